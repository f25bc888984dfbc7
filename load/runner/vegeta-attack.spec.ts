import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTargets } from './vegeta-attack.ts';

describe('writeTargets', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes one vegeta JSON target per body, each body its own, base64 as vegeta reads it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lagscale-targets-'));
    const file = join(dir, 'targets.json');
    let n = 0;
    await writeTargets(file, { url: 'http://127.0.0.1:1/v1/topics/t/records', headers: { 'Content-Type': 'application/json' }, count: 3, nextBody: () => `{"records":[{"value":${n++}}]}` });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    const targets = lines.map((line) => JSON.parse(line) as { method: string; url: string; header: Record<string, string[]>; body: string });
    expect(targets.map((t) => [t.method, t.url, t.header, Buffer.from(t.body, 'base64').toString()])).toEqual([0, 1, 2].map((i) => [
      'POST',
      'http://127.0.0.1:1/v1/topics/t/records',
      { 'Content-Type': ['application/json'] },
      `{"records":[{"value":${i}}]}`,
    ]));
  });
});
