import { afterAll, describe, expect, it } from 'vitest';
import { SequenceStamper } from '@lagscale/kafka-core/sequence';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import { cli, lastJson } from './cli-process.js';

describe('producer-gen CLI on a real broker', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('a constant 2,000 records/s for 10 s produces 20,000 ± 10%, and verify finds no gap', { timeout: 90_000 }, async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'cli-rate' });
    const run = await cli(['run', '--json', '--topic', topic, '--profile', 'constant', '--rate', '2000', '--duration', '10s', '--metrics-port', '0']);
    expect(run.code, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.failed).toBe(0);
    expect(summary.acked).toBe(summary.generated);
    expect(summary.acked).toBeGreaterThanOrEqual(18_000);
    expect(summary.acked).toBeLessThanOrEqual(22_000);

    const verify = await cli(['verify', '--topic', topic, '--expected', `${summary.producerId}=${summary.acked}`]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`seen ${summary.acked}/${summary.acked}, duplicates 0, gaps 0, key order violations 0`);
  });

  it('SIGTERM flushes what is buffered and exits 0; every acknowledged record is in the topic', { timeout: 90_000 }, async () => {
    const topic = await t.createTopic({ partitions: 2, prefix: 'cli-sigterm' });
    const run = await cli(['run', '--json', '--topic', topic, '--rate', '3000', '--duration', '120s', '--linger-ms', '50', '--metrics-port', '0'], {
      onStart: (child) => {
        void waitFor(async () => {
          const offsets = await t.admin.fetchTopicOffsets(topic);
          return offsets.reduce((sum, o) => sum + Number(o.high), 0) > 2_000;
        }, { timeoutMs: 30_000 }).then(() => child.kill('SIGTERM'));
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.failed).toBe(0);
    expect(summary.acked).toBe(summary.generated);
    const offsets = await t.admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(summary.acked);
    const verify = await cli(['verify', '--topic', topic, '--expected', `${summary.producerId}=${summary.acked}`]);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('verify exits 1 and names the missing sequence numbers when records were lost', { timeout: 60_000 }, async () => {
    const topic = await t.createTopic({ partitions: 1, prefix: 'cli-gap' });
    const stamper = new SequenceStamper('lossy');
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: `k${i % 2}`, value: String(i), headers: stamper.stamp({}, `k${i % 2}`) }));
    const producer = await t.producer();
    await producer.send({ topic, messages: messages.filter((_, i) => i !== 4 && i !== 5) });
    const verify = await cli(['verify', '--topic', topic, '--expected', 'lossy=12']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('lossy: seen 8/12, duplicates 0, gaps 4, key order violations 0');
    expect(verify.stdout).toContain('missing: 4-5, 10-11');
  });

  it.each([
    { name: 'no topic', args: ['run', '--count', '10'], message: '--topic / PRODUCER_TOPIC is required' },
    { name: 'a bad rate', args: ['run', '--topic', 't', '--count', '10', '--rate', 'fast'], message: '--rate must be a number of records per second ≥ 0, or "max" (got "fast")' },
    { name: 'an unbounded run', args: ['run', '--topic', 't'], message: '--duration / PRODUCER_DURATION or --count / PRODUCER_COUNT is required' },
    { name: 'a spike without its peak', args: ['run', '--topic', 't', '--count', '10', '--profile', 'spike'], message: '--peak-rate' },
  ])('rejects $name with exit 2 and a message naming the setting', { timeout: 30_000 }, async ({ args, message }) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
