import { describe, expect, it } from 'vitest';
import { topicReport } from './topic-report.js';

describe('topicReport', () => {
  it.each([
    { name: 'created', result: { topic: 'out', created: true, partitions: 4 }, what: 'output topic', level: 'info', message: /^created output topic out with 4 partitions$/ },
    {
      name: 'grown: a warning that keys move (it said only "topic exists")',
      result: { topic: 'events', created: false, partitions: 8, grownFrom: 4 },
      what: undefined,
      level: 'warn',
      message: /^grew topic events from 4 to 8 partitions: keys move to other partitions .*order across the change is not kept/,
    },
    { name: 'there already', result: { topic: 'events.dlq', created: false, partitions: 4 }, what: 'dead-letter topic', level: 'info', message: /^dead-letter topic events.dlq exists with 4 partitions$/ },
  ])('$name', ({ result, what, level, message }) => {
    const report = topicReport(result, what);
    expect(report.level).toBe(level);
    expect(report.message).toMatch(message);
    expect(report.fields).toMatchObject({ topic: result.topic, partitions: result.partitions });
  });
});
