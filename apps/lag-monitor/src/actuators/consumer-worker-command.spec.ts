import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consumerWorkerBuildIsFresh } from './consumer-worker-command.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fake checkout: files written with the given mtime (seconds since the epoch). */
function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'cw-command-'));
  roots.push(root);
  for (const [path, mtime] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), mtime, mtime);
  }
  return root;
}

const built = {
  'apps/consumer-worker/src/cli/main.ts': 100,
  'apps/consumer-worker/src/pool/pool.ts': 100,
  'apps/consumer-worker/dist/cli/main.js': 200,
  'libs/kafka-core/src/index.ts': 100,
  'libs/kafka-core/dist/index.js': 200,
  'libs/codecs/src/index.ts': 100,
  'libs/codecs/dist/index.js': 200,
};

describe('consumerWorkerBuildIsFresh', () => {
  it('is fresh when every package is built after its newest source file', () => {
    expect(consumerWorkerBuildIsFresh(checkout(built))).toBe(true);
  });

  it('is stale when a source file of consumer-worker or of a library it loads changed after the build', () => {
    expect(consumerWorkerBuildIsFresh(checkout({ ...built, 'apps/consumer-worker/src/pool/pool.ts': 300 }))).toBe(false);
    expect(consumerWorkerBuildIsFresh(checkout({ ...built, 'libs/codecs/src/index.ts': 300 }))).toBe(false);
  });

  it('ignores specs, which are not built', () => {
    expect(consumerWorkerBuildIsFresh(checkout({ ...built, 'libs/kafka-core/src/index.spec.ts': 300 }))).toBe(true);
  });

  it('is stale when a package is not built at all', () => {
    const { 'libs/kafka-core/dist/index.js': _omitted, ...withoutCore } = built;
    expect(consumerWorkerBuildIsFresh(checkout(withoutCore))).toBe(false);
  });
});
