#!/usr/bin/env node
// The production install of the images (deploy/images/Dockerfile runs it; so does the
// production-install test, since there is no container engine to build the image there):
//
//   node deploy/images/install-apps.mjs <dest> <app> [<app>...]
//
// From a built checkout (`npx nx run-many -t build`), copies what the apps need at run time into
// <dest>: the root manifest and lockfile, each workspace the apps depend on (our libraries'
// package.json and dist/, vendor/kafkajs's shipped files) and the apps themselves; then installs
// their production dependencies there with `npm ci --omit=dev`, scoped to the apps' workspaces and
// without install scripts, and checks that the kafkajs the apps load is ours. No devDependency,
// no TypeScript source, no test ends up in <dest>. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const APPS = ['producer-gen', 'consumer-worker', 'lag-monitor'];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// --ignore-scripts: no production dependency needs an install script (msgpackr-extract's only
// looks for its prebuilt binary, which npm installs as an optional dependency anyway).
const npmArgs = ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'];

function fail(message) {
  console.error(`install-apps: ${message}`);
  process.exit(1);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every workspace of the repository by package name: its folder, relative to the root. */
function workspaces() {
  const byName = new Map();
  for (const pattern of readJson(join(root, 'package.json')).workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${pattern.slice(0, -2)}/${d.name}`)
      : [pattern];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (existsSync(manifest)) byName.set(readJson(manifest).name, dir);
    }
  }
  return byName;
}

/** The apps' workspaces and, transitively, every workspace their production dependencies name. */
function closure(apps, byName) {
  const wanted = new Set();
  const visit = (dir) => {
    if (wanted.has(dir)) return;
    wanted.add(dir);
    for (const dependency of Object.keys(readJson(join(root, dir, 'package.json')).dependencies ?? {})) {
      const workspace = byName.get(dependency);
      if (workspace !== undefined) visit(workspace);
    }
  };
  for (const app of apps) visit(`apps/${app}`);
  return [...wanted].sort();
}

/**
 * What a workspace ships: a compiled one (a `build` script) its dist/; another (vendor/kafkajs,
 * plain JavaScript) what its package.json `files` lists, as npm would pack it. Always the
 * manifest and any licence.
 */
function shippedPaths(dir) {
  const manifest = readJson(join(root, dir, 'package.json'));
  const listed = manifest.scripts?.build !== undefined ? ['dist'] : (manifest.files ?? []);
  if (listed.length === 0) fail(`${dir} ships nothing: give it a build script (dist/) or a "files" list`);
  const licences = readdirSync(join(root, dir)).filter((name) => /^licen[cs]e/i.test(name));
  return ['package.json', ...licences, ...listed.map((path) => path.replace(/\/$/, ''))];
}

function log(line) {
  console.log(`install-apps: ${line}`);
}

function installApps(dest, apps) {
  const unknown = apps.filter((app) => !APPS.includes(app));
  if (apps.length === 0 || unknown.length > 0) fail(`usage: install-apps.mjs <dest> <app>...; apps are ${APPS.join(', ')}${unknown.length > 0 ? ` (got ${unknown.join(', ')})` : ''}`);
  const target = resolve(dest);
  if (!relative(target, root).startsWith('..')) fail('<dest> must not be the repository or a folder above it');
  if (existsSync(target) && readdirSync(target).length > 0) fail(`<dest> must be missing or empty (${target} is not)`);

  const dirs = closure(apps, workspaces());
  mkdirSync(target, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(target, file));
  for (const dir of dirs) {
    for (const path of shippedPaths(dir)) {
      const from = join(root, dir, path);
      if (!existsSync(from)) fail(`${dir}/${path} is missing${path === 'dist' ? ': build first (npx nx run-many -t build)' : ''}`);
      cpSync(from, join(target, dir, path), { recursive: true });
    }
  }
  log(`copied ${dirs.join(', ')} into ${target}`);

  const args = [...npmArgs, ...apps.flatMap((app) => ['--workspace', `apps/${app}`])];
  log(`npm ${args.join(' ')}`);
  const npm = spawnSync('npm', args, { cwd: target, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (npm.error) fail(`could not run npm: ${npm.error.message}`);
  if (npm.status !== 0) fail(`npm ci --omit=dev failed (exit ${npm.status ?? npm.signal})`);

  verifyKafkajs(target, apps);
  log(`installed ${apps.join(', ')}`);
}

/** The kafkajs each app resolves must be the vendored one: a plain registry kafkajs lacks our changes. */
function verifyKafkajs(target, apps) {
  const vendored = realpathSync(join(target, 'vendor/kafkajs'));
  for (const app of apps) {
    const check = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const { assertKafkajsFork, loadedKafkajs } = await import('@lagscale/kafka-core'); assertKafkajsFork(); console.log(loadedKafkajs().path);"],
      { cwd: join(target, 'apps', app), encoding: 'utf8' },
    );
    if (check.status !== 0) fail(`${app} does not load our kafkajs:\n${check.stderr.trim()}`);
    if (realpathSync(check.stdout.trim()) !== vendored) fail(`${app} loads kafkajs from ${check.stdout.trim()}, not ${vendored}`);
  }
}

const [dest, ...apps] = process.argv.slice(2);
if (dest === undefined) fail(`usage: install-apps.mjs <dest> <app>...; apps are ${APPS.join(', ')}`);
installApps(dest, apps);
