import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs one of the tools' install scripts (installs once, a no-op when present) and returns what it
 * prints on stdout: the installed path. Its progress and errors go to our stderr.
 */
export function runInstallScript(script: string): string {
  const result = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) throw new Error(`${relative(repoRoot, script)} failed (exit ${result.status ?? result.signal}); see its output above`);
  return result.stdout.trim();
}
