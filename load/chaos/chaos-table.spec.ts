import { describe, expect, it } from 'vitest';
import { formatChaosTable, historyRow, rowCells, rowPassed, type ChaosRow } from './chaos-table.ts';

const row = (overrides: Partial<ChaosRow> = {}): ChaosRow => ({
  phase: 'consumer-kill',
  faults: ['consumer-kill'],
  records: 6_000,
  lostInput: 0,
  lostOutput: 0,
  duplicatesOutput: 120,
  duplicatesInput: 0,
  bound: { perReplica: 901, replicasTouched: 3, bound: 2_703 },
  recoveryMs: 12_345,
  keyOrderViolations: 0,
  notes: [],
  ...overrides,
});

describe('rowPassed', () => {
  const cases: Array<{ name: string; row: ChaosRow; passed: boolean }> = [
    { name: 'nothing lost, duplicates within the bound, recovered', row: row(), passed: true },
    { name: 'duplicates exactly at the bound', row: row({ duplicatesOutput: 2_703 }), passed: true },
    { name: 'one record lost on the output', row: row({ lostOutput: 1 }), passed: false },
    { name: 'one record lost on the input', row: row({ lostInput: 1 }), passed: false },
    { name: 'a duplicate on the input (idempotent producer)', row: row({ duplicatesInput: 1 }), passed: false },
    { name: 'over the bound', row: row({ duplicatesOutput: 2_704 }), passed: false },
    { name: 'never recovered', row: row({ recoveryMs: undefined }), passed: false },
    { name: 'a fault that failed to inject', row: row({ notes: ['consumer-kill failed: no replica'] }), passed: false },
    { name: 'a storm short of its peak (a note, not a failure)', row: row({ notes: ['storm peaked at 6 of 8 members'] }), passed: true },
  ];
  it.each(cases)('$name → $passed', ({ row: r, passed }) => {
    expect(rowPassed(r)).toBe(passed);
  });
});

describe('rowCells', () => {
  it('shows the bound as replicas × per replica and recovery in seconds', () => {
    expect(rowCells(row())).toEqual(['consumer-kill', '6,000', '0 / 0', '120', '2,703 (3 × 901)', '12.3 s', '✓']);
  });

  it('names the faults of the together phase, input duplicates and a recovery never seen', () => {
    expect(rowCells(row({ phase: 'together', faults: ['slow-handler', 'broker-kill'], duplicatesInput: 2, recoveryMs: undefined }))).toEqual([
      'together (2 faults)',
      '6,000',
      '0 / 0',
      '120 (input 2)',
      '2,703 (3 × 901)',
      'never',
      '✗',
    ]);
  });
});

describe('formatChaosTable', () => {
  it('renders an aligned markdown table, one line per row', () => {
    const table = formatChaosTable([row(), row({ phase: 'thread-crash', faults: ['thread-crash'], duplicatesOutput: 0, recoveryMs: 900 })]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| fault +\| records \| lost \(in \/ out\) \| duplicates \(out\) \| +bound \| recovery \| ok \|$/);
    expect(lines[1]).toMatch(/^\|:-+\|-+:\|/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[3]).toContain('thread-crash');
    expect(lines[3]).toContain('0.9 s');
  });

  it('lists each row\'s notes under the table', () => {
    const table = formatChaosTable([row({ phase: 'together', notes: ['storm peaked at 6 of 8 members'] })]);
    expect(table.split('\n').slice(-2)).toEqual(['', '- together: storm peaked at 6 of 8 members']);
  });
});

describe('historyRow', () => {
  it('sums the phases and shows the slowest recovery', () => {
    const line = historyRow({ date: '2026-12-07 08:00', commit: 'abc', machine: 'AMD EPYC × 2', loadAverage: [3.14, 2, 1], rows: [row(), row({ recoveryMs: 20_000, duplicatesOutput: 5 })] });
    expect(line).toBe('| 2026-12-07 08:00 | abc | AMD EPYC × 2 | 3.1 2.0 1.0 | 12,000 | 0 | 125 | 20.0 s | 2/2 |');
  });

  it('says never when a phase never recovered', () => {
    expect(historyRow({ date: 'd', commit: 'c', machine: 'm', loadAverage: [], rows: [row({ recoveryMs: undefined }), row()] })).toContain('| never | 1/2 |');
  });
});
