import { describe, expect, it } from 'vitest';
import { redeliveryReport } from './shutdown-report.js';

describe('redeliveryReport', () => {
  it('says nothing will be redelivered when everything was committed', () => {
    expect(redeliveryReport([])).toMatchObject({ level: 'info', fields: { redelivered: 0 } });
  });

  it('counts the records per partition, largest first', () => {
    const report = redeliveryReport([
      { topic: 'events', partition: 0, records: 120 },
      { topic: 'events', partition: 3, records: 480 },
    ]);
    expect(report.level).toBe('warn');
    expect(report.message).toBe('600 fetched records were not committed and will be redelivered to the group (events[3] 480, events[0] 120)');
    expect(report.fields).toEqual({ redelivered: 600, partitions: { 'events[3]': 480, 'events[0]': 120 } });
  });

  it('names the largest partitions and sums up the rest', () => {
    const report = redeliveryReport(Array.from({ length: 12 }, (_, partition) => ({ topic: 't', partition, records: partition + 1 })));
    expect(report.message).toMatch(/^78 fetched records .*\(t\[11\] 12, t\[10\] 11, .*t\[4\] 5, and 4 more partitions\)$/);
  });
});
