import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, formatTable, writeBenchReport, type BenchReport, type BenchRow } from './report.js';

const rows: BenchRow[] = [
  { name: 'json encode', opsPerSec: 1_234_567.8, meanMs: 0.00081, p99Ms: 0.0021, mbPerSec: 123.45, extra: { bytes: 100 } },
  { name: 'msgpack encode', opsPerSec: 2_000_000, meanMs: 0.0005, mbPerSec: 9.5, extra: { bytes: 80, 'vs json': '1.62x' } },
];

describe('formatTable', () => {
  it('renders aligned markdown with the extra columns of every row', () => {
    expect(formatTable(rows)).toBe(
      [
        '| task           |     ops/s |   mean |     p99 |  MB/s | bytes | vs json |',
        '|:---------------|----------:|-------:|--------:|------:|------:|--------:|',
        '| json encode    | 1,234,568 | 810 ns | 2.10 µs | 123.5 |   100 |         |',
        '| msgpack encode | 2,000,000 | 500 ns |         |  9.50 |    80 |   1.62x |',
      ].join('\n'),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    { ms: 0.000_5, text: '500 ns' },
    { ms: 0.012_34, text: '12.34 µs' },
    { ms: 0.5, text: '500 µs' },
    { ms: 12.345, text: '12.35 ms' },
    { ms: 250, text: '250 ms' },
    { ms: 1500, text: '1.50 s' },
  ])('$ms ms → $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('writeBenchReport', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('writes the rows with machine info as JSON and the table as markdown', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
    const { jsonPath, markdownPath } = await writeBenchReport('codecs-test', rows, {
      resultsDir: dir,
      notes: 'MB/s counts 10^6 bytes.',
      quiet: true,
    });
    expect(jsonPath).toBe(path.join(dir, 'codecs-test.json'));

    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as BenchReport;
    expect(json.suite).toBe('codecs-test');
    expect(json.rows).toEqual(rows);
    expect(json.machine.node).toBe(process.version);
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.cpuModel.length).toBeGreaterThan(0);
    // explicit null, not a missing key, outside a git checkout or before the first commit
    expect(json.machine.gitSha === null || /^[0-9a-f]{12}$/.test(json.machine.gitSha)).toBe(true);
    expect(Number.isNaN(Date.parse(json.createdAt))).toBe(false);

    const markdown = await readFile(markdownPath, 'utf8');
    expect(markdown.startsWith('# codecs-test\n')).toBe(true);
    expect(markdown).toContain(formatTable(rows));
    expect(markdown).toContain('MB/s counts 10^6 bytes.');
  });

  it.each(['../escape', 'Codecs', 'a b', ''])('rejects the suite name %j', async (suite) => {
    await expect(writeBenchReport(suite, rows, { resultsDir: os.tmpdir(), quiet: true })).rejects.toThrow(/kebab-case/);
  });
});
