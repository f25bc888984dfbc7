// Builds vegeta (MIT) from the Go module proxy into a git-ignored cache keyed by version:
// `<repo>/.vegeta/<version>/bin/vegeta`. The module and build caches live in the same folder, so
// nothing depends on the machine's own Go caches; a warm call only checks a marker file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError } from '../runner/load-errors.ts';

export const VEGETA_MODULE = 'github.com/tsenart/vegeta/v12';
export const VEGETA_VERSION = 'v12.13.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface VegetaInstall {
  /** Absolute path of the vegeta binary. */
  binary: string;
  version: string;
  /** True when this call built it; false when the cache already had it. */
  built: boolean;
  /** Time this call took (ms). */
  elapsedMs: number;
}

export interface VegetaInstallOptions {
  version?: string;
  /** Default: `<repo>/.vegeta`. */
  cacheDir?: string;
  /** Build progress (the go command's stderr lines). Default: discarded. */
  log?: (line: string) => void;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** The vegeta binary of `version`, built first if the cache lacks it. Safe to call concurrently from one process. */
export async function ensureVegeta(options: VegetaInstallOptions = {}): Promise<VegetaInstall> {
  const started = Date.now();
  const version = options.version ?? VEGETA_VERSION;
  const home = join(options.cacheDir ?? join(repoRoot, '.vegeta'), version);
  const binary = join(home, 'bin', process.platform === 'win32' ? 'vegeta.exe' : 'vegeta');
  const marker = join(home, '.installed');
  if (existsSync(marker) && existsSync(binary)) return { binary, version, built: false, elapsedMs: Date.now() - started };

  if (!onPath('go')) {
    throw new LoadError('TOOL_MISSING', `Go is required once to build vegeta ${version} from the Go module proxy (go not found on PATH); install Go 1.22+`);
  }
  await mkdir(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOPATH: join(home, 'gopath'),
    GOMODCACHE: join(home, 'gomod'),
    GOCACHE: join(home, 'gocache'),
    GOBIN: join(home, 'bin'),
    // read-write module files, so the cache folder can be deleted like any other
    GOFLAGS: '-modcacherw -trimpath',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
  await new Promise<void>((resolveBuild, reject) => {
    const child = spawn('go', ['install', `${VEGETA_MODULE}@${version}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') options.log?.(line);
    });
    child.on('error', (err) => reject(new LoadError('TOOL_MISSING', `could not run go: ${err.message}`, { cause: err })));
    child.on('exit', (code, signal) => {
      if (code === 0) resolveBuild();
      else reject(new LoadError('TOOL_BUILD_FAILED', `go install ${VEGETA_MODULE}@${version} failed (${code ?? signal}):\n${stderr.slice(-2000)}`));
    });
  });
  // the build cache is only needed to rebuild; the module cache stays for the license texts
  await rm(join(home, 'gocache'), { recursive: true, force: true });
  await writeFile(marker, `${VEGETA_MODULE}@${version}\n`);
  return { binary, version, built: true, elapsedMs: Date.now() - started };
}

// `node --import tsx load/vegeta/vegeta-install.ts`: build or find it, print where.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const install = await ensureVegeta({ log: (line) => console.error(line) });
  console.log(`${install.binary} (${install.version}, ${install.built ? `built in ${(install.elapsedMs / 1000).toFixed(1)} s` : 'cached'})`);
}
