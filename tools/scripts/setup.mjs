// First step of `npm test`, `npm run demo` and friends: installs what is missing and nothing else.
// Plain Node with no dependencies, because it runs before node_modules exists; a no-op run must
// stay well under half a second.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function run(command, args, { quietStdout = false } = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['inherit', quietStdout ? 'ignore' : 'inherit', 'inherit'] });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal})`);
}

// npm writes node_modules/.package-lock.json last, so it is older than the lockfile exactly when
// the lockfile changed after the last install (or the install never finished).
function nodeModulesStale() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs;
}

if (nodeModulesStale()) {
  console.log('setup: node_modules is missing or older than package-lock.json; running npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// `--k8s` (npm test): the k8s suites need kube-apiserver, which takes about 10 minutes to build
// the first time. Start that now, detached and at the lowest priority, so it overlaps typecheck,
// lint and the other suites; the k8s suites wait for it. A no-op once built.
if (process.argv.includes('--k8s')) run('bash', [join(root, 'tools', 'k8s', 'k8s.sh'), 'install-background']);

// `--with-test-tools` (npm test, test:integration): Prometheus/promtool and Chromium for the
// observability suites, from Debian packages, installed once; each script is a no-op when present.
if (process.argv.includes('--with-test-tools')) {
  // (their stdout is the installed path, for scripts; progress and errors go to stderr)
  run('bash', [join(root, 'tools', 'prometheus', 'install.sh')], { quietStdout: true });
  run('bash', [join(root, 'tools', 'browser', 'install.sh')], { quietStdout: true });
}

if (process.env.KAFKA_BROKERS?.trim()) {
  // Tests and apps use the given cluster; the embedded broker is not needed.
  process.exit(0);
}

const useCluster = 'or set KAFKA_BROKERS=host:port to use an existing Kafka cluster instead';
if (!onPath('java')) fail(`Java 17+ is required for the embedded Kafka broker (java not found on PATH); install a JDK 17+, ${useCluster}`);
if (!existsSync(join(root, '.kafka', 'libs', '.installed')) && !onPath('mvn')) {
  fail(`Maven is required once to download the embedded Kafka broker (mvn not found on PATH); install Maven, ${useCluster}`);
}
run('bash', [join(root, 'tools', 'kafka', 'kafka.sh'), 'install']);
