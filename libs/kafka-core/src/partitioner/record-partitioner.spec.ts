import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionForKey } from './murmur2.js';
import { builtInPartitioner, checkedPartition, loadPartitioner } from './record-partitioner.js';

const record = (key: string | null, partitionCount = 6) => ({ topic: 't', partitionCount, key, value: Buffer.from('v') });

describe('built-in partitioners', () => {
  it('murmur2 places keyed records as the Java client does and keyless ones round-robin', () => {
    const p = builtInPartitioner('murmur2');
    for (const key of ['a', 'user-42', 'ключ', '']) expect(p.partition(record(key))).toBe(partitionForKey(key, 6));
    expect([0, 1, 2, 3].map(() => p.partition(record(null, 3)))).toEqual([0, 1, 2, 0]);
    expect(p.placesKeyless).toBe(false);
  });

  it('round-robin ignores the key', () => {
    const p = builtInPartitioner('round-robin');
    expect(['a', 'a', 'a', null].map((key) => p.partition(record(key, 3)))).toEqual([0, 1, 2, 0]);
  });

  it('random stays in range and reaches every partition', () => {
    const p = builtInPartitioner('random');
    const seen = new Set(Array.from({ length: 2_000 }, () => p.partition(record('a', 4))));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('loadPartitioner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'partitioner-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, source: string) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  };

  it.each([
    { name: 'an ES module exporting partition', file: 'named.mjs', source: 'export function partition({ key, partitionCount }) { return key.length % partitionCount }' },
    { name: 'an ES module with a default function', file: 'default.mjs', source: 'export default ({ key, partitionCount }) => key.length % partitionCount' },
    { name: 'a CommonJS module exporting partition', file: 'named.cjs', source: 'exports.partition = ({ key, partitionCount }) => key.length % partitionCount' },
    {
      name: 'a kafkajs createPartitioner',
      file: 'kafkajs.cjs',
      source: 'module.exports.createPartitioner = () => ({ partitionMetadata, message }) => message.key.length % partitionMetadata.length',
    },
  ])('$name', async ({ file, source }) => {
    const p = await loadPartitioner(write(file, source));
    expect(p.placesKeyless).toBe(true);
    expect(['a', 'bb', 'ccccccc'].map((key) => checkedPartition(p, record(key, 6)))).toEqual([1, 2, 1]);
  });

  it('resolves a relative path against cwd', async () => {
    write('relative.mjs', 'export const partition = () => 2');
    expect((await loadPartitioner('./relative.mjs', { cwd: dir })).partition(record('k'))).toBe(2);
  });

  it.each([
    { name: 'a missing file', spec: 'nope.mjs', message: /--partitioner must be murmur2, round-robin, random or the path of a module exporting a partitioner \(no file at .*nope\.mjs\)/ },
    { name: 'a module without a partitioner', file: 'empty.mjs', source: 'export const x = 1', message: /exports no partitioner/ },
    { name: 'a module that throws on load', file: 'broken.mjs', source: 'throw new Error("boom")', message: /cannot load .*broken\.mjs: boom/ },
  ])('rejects $name with CONFIG_INVALID', async ({ spec, file, source, message }) => {
    const path = file === undefined ? join(dir, spec ?? '') : write(file, source ?? '');
    await expect(loadPartitioner(path)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
  });

  it.each([{ answer: 6 }, { answer: -1 }, { answer: 1.5 }, { answer: Number.NaN }])('rejects a partition of $answer for a 6-partition topic', async ({ answer }) => {
    const p = await loadPartitioner(write(`answer-${String(answer)}.mjs`, `export const partition = () => ${String(answer)}`));
    expect(() => checkedPartition(p, record('k'))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(`returned ${String(answer)} for topic t, which has partitions 0–5`) }));
  });
});
