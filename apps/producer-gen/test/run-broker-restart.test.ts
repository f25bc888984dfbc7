import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestKafka, waitFor } from '@lagscale/kafka-core/testing';
import { startEmbeddedBroker, throwawayBrokerOptions, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../../tools/kafka/embedded-broker.js';
import { sigkillBroker } from './broker-crash.js';
import { cli, lastJson } from './cli-process.js';

// A broker of this suite's own: it is SIGKILLed, which no other suite may see.
describe('producer-gen run across a broker crash', () => {
  let brokerOptions: ThrowawayBrokerOptions;
  let broker: EmbeddedBroker | undefined;
  let t: TestKafka;

  beforeAll(async () => {
    brokerOptions = await throwawayBrokerOptions('producer-restart');
    broker = await startEmbeddedBroker({ ...brokerOptions, deleteDataOnStop: false });
    t = new TestKafka({ brokers: broker.brokers });
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
    await broker?.stop();
    if (brokerOptions !== undefined) await rm(brokerOptions.dataDir, { recursive: true, force: true });
  }, 120_000);

  /**
   * Runs the CLI with `args` and, once the topic holds more than `recordsBeforeCrash` records
   * (waited for up to `waitMs`), SIGKILLs the broker and starts it again on the same data.
   */
  async function runThroughBrokerCrash(topic: string, args: string[], recordsBeforeCrash: number, waitMs: number) {
    let restarted: Promise<void> | undefined;
    const run = await cli(args, {
      brokers: broker?.brokers ?? [],
      env: { LOG_LEVEL: 'info' },
      timeoutMs: 360_000,
      onStart: () => {
        restarted = (async () => {
          await waitFor(async () => (await t.admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0) > recordsBeforeCrash, {
            timeoutMs: waitMs,
            description: 'records before the crash',
          });
          await sigkillBroker(brokerOptions.dataDir, brokerOptions.port);
          // A restart recovers the logs of a crash: slow on a busy machine, so wait longer than a first start.
          broker = await startEmbeddedBroker({ ...brokerOptions, deleteDataOnStop: false, waitTimeoutS: 240 });
        })();
      },
    });
    await restarted;
    return run;
  }

  it('SIGKILL and restart of the broker mid-run: every record acknowledged once, in key order, exit 0', { timeout: 420_000 }, async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'producer-restart' });
    const run = await runThroughBrokerCrash(
      topic,
      ['run', '--json', '--topic', topic, '--rate', '2000', '--duration', '15s', '--metrics-port', '0', '--progress-interval-ms', '250', '--delivery-timeout', '300s'],
      3_000,
      60_000,
    );
    const brokers = broker?.brokers ?? [];
    expect(run.code, run.stderr.slice(-3_000)).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.failed).toBe(0);
    expect(summary.generated).toBeGreaterThanOrEqual(25_000);
    expect(summary.acked).toBe(summary.generated);
    // The crash was felt: requests failed and were retried, and the progress line said so (logs
    // go to stderr, so that --json leaves stdout with the summary line alone).
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('produce request failed; retrying');
    expect(run.stderr).toMatch(/progress: [^"]*retrying \d+ batch/);

    const verify = await cli(['verify', '--topic', topic, '--expected', `${summary.producerId}=${summary.acked}`], { brokers, timeoutMs: 90_000 });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`seen ${summary.acked}/${summary.acked}, duplicates 0, gaps 0, key order violations 0`);
  });

  // As fast as the broker takes it, 5 requests in flight with idempotence: the crash catches
  // several batches on the wire, which kafkajs resends in order with their sequence numbers.
  it('SIGKILL and restart at --rate max with 5 requests in flight: every record once, in key order', { timeout: 420_000 }, async () => {
    const topic = await t.createTopic({ partitions: 3, prefix: 'producer-restart-max' });
    const count = 300_000;
    const run = await runThroughBrokerCrash(
      topic,
      ['run', '--json', '--topic', topic, '--rate', 'max', '--count', String(count), '--max-in-flight', '5', '--batch-records', '1000', '--metrics-port', '0', '--progress-interval-ms', '250', '--delivery-timeout', '300s'],
      20_000,
      120_000,
    );
    const brokers = broker?.brokers ?? [];
    expect(run.code, run.stderr.slice(-3_000)).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary.failed).toBe(0);
    expect(summary.generated).toBe(count);
    expect(summary.acked).toBe(count);
    expect(run.stderr).toContain('produce request failed; retrying');

    const verify = await cli(['verify', '--topic', topic, '--expected', `${summary.producerId}=${summary.acked}`], { brokers, timeoutMs: 90_000 });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain(`seen ${count}/${count}, duplicates 0, gaps 0, key order violations 0`);
  });
});
