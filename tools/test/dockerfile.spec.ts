import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * deploy/images/Dockerfile and the root .dockerignore, read as Docker reads them (no container
 * engine here: tools/test/production-install.test.ts runs the install steps themselves).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const APPS = ['producer-gen', 'consumer-worker', 'lag-monitor'] as const;

interface Instruction {
  command: string;
  args: string;
}

/** The instructions of each stage by name, with continuation lines joined and comments dropped. */
function stages(dockerfile: string): Map<string, { base: string; instructions: Instruction[] }> {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const result = new Map<string, { base: string; instructions: Instruction[] }>();
  let current: Instruction[] | undefined;
  for (const line of lines) {
    const [, command = '', args = ''] = /^\s*(\S+)\s*(.*)$/.exec(line) ?? [];
    const from = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
    if (command.toUpperCase() === 'FROM' && from !== null) {
      current = [];
      result.set(from[2] as string, { base: from[1] as string, instructions: current });
    } else {
      current?.push({ command: command.toUpperCase(), args });
    }
  }
  return result;
}

/** One path segment against one pattern segment: `*` any characters, `?` one. */
function segmentMatches(pattern: string, segment: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(segment);
}

/** A path against a pattern's segments; `**` matches any number of segments, none included. */
function pathMatches(pattern: string[], path: string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return path.length === 0;
  if (head === '**') return path.some((_, i) => pathMatches(rest, path.slice(i))) || pathMatches(rest, []);
  return path.length > 0 && segmentMatches(head, path[0] as string) && pathMatches(rest, path.slice(1));
}

/** Docker's .dockerignore rule: the last pattern matching the path or one of its parents decides. */
function ignored(patterns: string[], path: string): boolean {
  const parts = path.split('/');
  let result = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).replace(/\/+$/, '').split('/');
    if (parts.some((_, i) => pathMatches(pattern, parts.slice(0, i + 1)))) result = !negated;
  }
  return result;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '.nx') return [];
    const path = `${dir}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const dockerfile = stages(readFileSync(join(root, 'deploy/images/Dockerfile'), 'utf8'));
const ignorePatterns = readFileSync(join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

describe('deploy/images/Dockerfile', () => {
  it.each(APPS)('has a %s target: the install stage output on the slim runtime, tini as PID 1', (app) => {
    const install = dockerfile.get(`install-${app}`);
    expect(install?.base).toBe('build');
    expect(install?.instructions.map((i) => i.command)).toEqual(['RUN']);
    expect(install?.instructions[0]?.args).toMatch(new RegExp(`node deploy/images/install-apps\\.mjs /app ${app}$`));

    const target = dockerfile.get(app);
    expect(target?.base).toBe('runtime');
    expect(target?.instructions.find((i) => i.command === 'COPY')?.args).toBe(`--from=install-${app} /app /app`);
    const entrypoint = JSON.parse(target?.instructions.find((i) => i.command === 'ENTRYPOINT')?.args ?? '[]') as string[];
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', `/app/apps/${app}/dist/cli/main.js`]);
    expect(existsSync(join(root, 'apps', app, 'src/cli/main.ts'))).toBe(true);
  });

  it('runs as a numeric non-root user on a slim Node 20 base with tini, production settings', () => {
    const runtime = dockerfile.get('runtime');
    expect(runtime?.base).toBe('${NODE_IMAGE}');
    expect(readFileSync(join(root, 'deploy/images/Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const user = runtime?.instructions.find((i) => i.command === 'USER')?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(runtime?.instructions.find((i) => i.command === 'RUN')?.args).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(runtime?.instructions.find((i) => i.command === 'ENV')?.args).toMatch(/NODE_ENV=production/);
    // the runtime stages copy the install output only: no sources, no devDependencies
    for (const app of APPS) {
      expect(dockerfile.get(app)?.instructions.filter((i) => i.command === 'COPY' || i.command === 'ADD').map((i) => i.args)).toEqual([`--from=install-${app} /app /app`]);
    }
  });

  it('copies into the build stage only paths the build context has', () => {
    const build = dockerfile.get('build');
    const sources = (build?.instructions ?? [])
      .filter((i) => i.command === 'COPY')
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
      .map((source) => source.replace(/\/$/, ''));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored(ignorePatterns, source), `${source} is ignored by .dockerignore`).toBe(false);
    }
  });
});

describe('.dockerignore', () => {
  it('sends every file the build compiles or ships', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'nx.json',
      'tsconfig.base.json',
      'deploy/images/install-apps.mjs',
      ...filesUnder('vendor/kafkajs').filter((f) => !f.startsWith('vendor/kafkajs/test/')),
      ...['libs/codecs', 'libs/kafka-core', ...APPS.map((app) => `apps/${app}`)].flatMap((dir) => [
        `${dir}/package.json`,
        `${dir}/tsconfig.lib.json`,
        ...filesUnder(`${dir}/src`).filter((f) => !f.endsWith('.spec.ts')),
      ]),
    ];
    expect(needed.filter((path) => ignored(ignorePatterns, path))).toEqual([]);
  });

  it('leaves out what is installed, built, cached or only tested here', () => {
    const leftOut = [
      'node_modules/kafkajs/index.js',
      'libs/kafka-core/node_modules/x/index.js',
      'apps/consumer-worker/dist/cli/main.js',
      '.kafka/libs/kafka.jar',
      '.nx/cache/x',
      '.git/HEAD',
      'reports/vitest.json',
      'tools/kafka/kafka.sh',
      'load/results/x.json',
      'docs/decisions/0008-vendored-kafkajs.md',
      'apps/consumer-worker/test/safe-commit.test.ts',
      'libs/kafka-core/src/client/kafkajs-fork.spec.ts',
      'vendor/kafkajs/test/crc32c.spec.ts',
      'apps/lag-monitor/bench/collection.bench.ts',
    ];
    expect(leftOut.filter((path) => !ignored(ignorePatterns, path))).toEqual([]);
  });

  it('is read as Docker reads it (the matcher of these specs)', () => {
    expect(ignored(['*', '!libs/'], 'libs/a/b.ts')).toBe(false);
    expect(ignored(['*', '!libs/', '**/dist/'], 'libs/a/dist/b.js')).toBe(true);
    expect(ignored(['*', '!libs/', '**/*.spec.ts'], 'libs/a/src/x.spec.ts')).toBe(true);
    expect(ignored(['*', '!package.json'], 'package.json')).toBe(false);
    expect(ignored(['*', '!package.json'], 'tools/package.json')).toBe(true);
    expect(ignored(['**/test/'], 'test/a.ts')).toBe(true);
    expect(ignored(['**/test/'], 'src/testing/a.ts')).toBe(false);
  });
});
