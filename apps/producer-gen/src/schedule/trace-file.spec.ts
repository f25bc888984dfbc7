import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lagscale/kafka-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrace, parseTrace } from './trace-file.js';

function problemsOf(text: string): readonly string[] {
  try {
    parseTrace(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseTrace', () => {
  it.each([
    { name: 'CSV', text: '0,100\n10,500\n', points: [{ atMs: 0, rate: 100 }, { atMs: 10_000, rate: 500 }] },
    {
      name: 'CSV with header, comments, blank lines and CRLF',
      text: '# recorded 2025-01-01\r\nseconds,rate\r\n\r\n0, 100 # warm-up\r\n 2.5 ,250\r\n',
      points: [{ atMs: 0, rate: 100 }, { atMs: 2_500, rate: 250 }],
    },
    { name: 'CSV seconds to whole ms', text: '0.0004,1\n1.1,2', points: [{ atMs: 0, rate: 1 }, { atMs: 1_100, rate: 2 }] },
    { name: 'JSON', text: ' [{"atMs": 0, "rate": 10}, {"atMs": 1500, "rate": 0}]', points: [{ atMs: 0, rate: 10 }, { atMs: 1_500, rate: 0 }] },
    { name: 'JSON with extra fields', text: '[{"atMs": 5, "rate": 1, "note": "x"}]', points: [{ atMs: 5, rate: 1 }] },
  ])('reads $name', ({ text, points }) => {
    expect(parseTrace(text)).toEqual(points);
  });

  it.each([
    { name: 'empty file', text: '', problems: ['--trace-file has no points (expected "seconds,rate" lines or a JSON array of {"atMs", "rate"})'] },
    { name: 'header only', text: 'seconds,rate\n', problems: ['--trace-file has no points (expected "seconds,rate" lines or a JSON array of {"atMs", "rate"})'] },
    { name: 'rate not a number', text: '0,100\n1,abc', problems: ['--trace-file line 2: rate must be a number ≥ 0 (got "abc")'] },
    { name: 'negative rate', text: '0,-5', problems: ['--trace-file line 1: rate must be a number ≥ 0 (got "-5")'] },
    { name: 'negative time', text: '0,1\n-1,5', problems: ['--trace-file line 2: seconds must be a number ≥ 0 (got "-1")'] },
    { name: 'three columns', text: '0,1,2', problems: ['--trace-file line 1 must be "seconds,rate" (got "0,1,2")'] },
    { name: 'times going back', text: '0,100\n5,100\n3,100', problems: ['--trace-file line 3: times must increase (3 s is not after 5 s)'] },
    { name: 'JSON entry not a number', text: '[{"atMs":0,"rate":1},{"atMs":"x","rate":2}]', problems: ['--trace-file entry 2 atMs must be a number'] },
    { name: 'JSON object, not an array', text: ' {"atMs":0,"rate":1}', problems: ['--trace-file must be a JSON array of {"atMs": …, "rate": …}'] },
    { name: 'JSON array of other things', text: '[1]', problems: ['--trace-file entry 1 must be an object {"atMs": …, "rate": …}'] },
    { name: 'JSON negative rate', text: '[{"atMs":0,"rate":-1}]', problems: ['--trace-file entry 1: rate must be a number ≥ 0 (got "-1")'] },
    { name: 'JSON times equal', text: '[{"atMs":0,"rate":1},{"atMs":0,"rate":2}]', problems: ['--trace-file entry 2: times must increase (0 ms is not after 0 ms)'] },
    { name: 'JSON empty array', text: '[]', problems: ['--trace-file has no points (expected "seconds,rate" lines or a JSON array of {"atMs", "rate"})'] },
  ])('names the file and the line: $name', ({ text, problems }) => {
    expect(problemsOf(text)).toEqual(problems);
  });

  it('reports broken JSON', () => {
    const [problem, ...rest] = problemsOf('[{"atMs": 0,');
    expect(problem).toMatch(/^--trace-file is not valid JSON: /);
    expect(rest).toEqual([]);
  });

  it('lists at most ten problems and counts the rest', () => {
    const problems = problemsOf(Array.from({ length: 25 }, (_, i) => `${i},x`).join('\n'));
    expect(problems).toHaveLength(11);
    expect(problems[10]).toBe('--trace-file: 15 more problems');
  });
});

describe('loadTrace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    { file: 'trace.csv', text: 'seconds,rate\n0,1000\n60,5000\n' },
    { file: 'trace.json', text: '[{"atMs":0,"rate":1000},{"atMs":60000,"rate":5000}]' },
  ])('reads $file', ({ file, text }) => {
    writeFileSync(join(dir, file), text);
    expect(loadTrace(join(dir, file))).toEqual([
      { atMs: 0, rate: 1_000 },
      { atMs: 60_000, rate: 5_000 },
    ]);
  });

  it('names an unreadable path', () => {
    expect(() => loadTrace(join(dir, 'missing.csv'))).toThrow(`--trace-file must name a readable file (got "${join(dir, 'missing.csv')}")`);
  });
});
