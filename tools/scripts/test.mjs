// `npm test` after its setup step: typecheck + lint (Nx) and every vitest suite at the same time,
// instead of one after the other. The checks run at a lower CPU priority with their output kept
// in reports/checks.log (printed at the end, whole on failure), so the suites' output stays
// readable and the timing-heavy suites are not starved; vitest's exit code and the checks' both
// count. Arguments are passed on to vitest (`npm test -- --project unit`).
// Plain Node with no dependencies, like setup.mjs.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const checksLog = join(root, 'reports', 'checks.log');
// Below the suites (0) and above the background kube-apiserver build (19).
const checksNice = 10;

mkdirSync(dirname(checksLog), { recursive: true });

function run(command, args, stdio) {
  const child = spawn(command, args, { cwd: root, stdio, env: process.env });
  const exited = new Promise((done) => {
    child.once('error', (err) => {
      console.error(`test: could not run ${command}: ${err.message}`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
  return { child, exited };
}

const started = Date.now();
const log = createWriteStream(checksLog);
const checks = run(bin('nx'), ['run-many', '-t', 'typecheck', 'lint', '--outputStyle=static'], ['ignore', 'pipe', 'pipe']);
checks.child.stdout?.pipe(log, { end: false });
checks.child.stderr?.pipe(log, { end: false });
if (checks.child.pid !== undefined) {
  try {
    setPriority(checks.child.pid, checksNice);
  } catch {
    // Not allowed to lower it: the checks run at normal priority.
  }
}
const checksDone = checks.exited.then((code) => {
  const seconds = Math.round((Date.now() - started) / 1000);
  return { code, seconds };
});

const suites = run(bin('vitest'), ['run', ...process.argv.slice(2)], 'inherit');
// Ctrl-C reaches both children through the process group; a TERM from a CI runner is passed on.
process.once('SIGTERM', () => {
  checks.child.kill('SIGTERM');
  suites.child.kill('SIGTERM');
});

const [suitesCode, checked] = await Promise.all([suites.exited, checksDone]);
await new Promise((done) => log.end(done));
if (checked.code === 0) {
  console.log(`typecheck + lint: passed in ${checked.seconds} s, alongside the suites (output: reports/checks.log)`);
} else {
  process.stdout.write(readFileSync(checksLog, 'utf8'));
  console.error(`typecheck + lint: FAILED (exit ${checked.code}) after ${checked.seconds} s; output above and in reports/checks.log`);
}
process.exit(suitesCode !== 0 ? suitesCode : checked.code);
