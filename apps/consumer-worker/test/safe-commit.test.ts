import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistry, ensureTopic, fetchGroupTopicOffsets, silentLogger } from '@lagscale/kafka-core';
import { TestKafka, testKafkaConfig, waitFor } from '@lagscale/kafka-core/testing';
import { loadWorkerSettings } from '../src/config/worker-config.js';
import { createConsumerService } from '../src/runtime/consumer-service.js';
import { TEST_MARKER_HEADER, testHandler } from '../test-support/test-handlers.js';
import { workerTopics } from '../test-support/worker-process.js';

const RECORDS = 200;
const SLOW_AT = 40;
// The slow record is held until the test releases it (a file); this is only the bound.
const HOLD_BOUND_MS = 60_000;
const KEYS = 20;

describe('consumer-worker: safe commit', () => {
  const t = new TestKafka();
  afterAll(() => t.cleanup());

  it('a slow record at offset k holds the commit at k while later records finish; then the commit moves to the end', { timeout: 120_000 }, async () => {
    const releaseDir = await mkdtemp(join(tmpdir(), 'cw-safe-commit-'));
    const releaseFile = join(releaseDir, 'release');
    const topic = await t.createTopic({ partitions: 1, prefix: 'cw-safe-commit' });
    const { outputTopic } = workerTopics(t, topic);
    const groupId = t.groupId('cw-safe-commit');
    const producer = await t.producer();
    await producer.send({
      topic,
      messages: Array.from({ length: RECORDS }, (_, n) => ({
        // the slow record has a key of its own, so key order does not hold the records after it
        key: n === SLOW_AT ? 'slow-key' : `key-${n % KEYS}`,
        value: JSON.stringify({ n }),
        headers: { 'content-type': 'application/json', ...(n === SLOW_AT ? { [TEST_MARKER_HEADER]: 'slow' } : {}) },
      })),
    });

    const settings = loadWorkerSettings({
      CONSUMER_TOPIC: topic,
      CONSUMER_GROUP_ID: groupId,
      CONSUMER_OUTPUT_TOPIC: outputTopic,
      CONSUMER_HANDLER: testHandler('slow-on-marker'),
      CONSUMER_HANDLER_OPTIONS: `marker=slow,delayMs=${HOLD_BOUND_MS},releaseFile=${releaseFile}`,
      CONSUMER_THREADS: '2',
      // chunks of one: records that shared a chunk with the slow one would wait behind it in its thread
      CONSUMER_CHUNK_SIZE: '1',
      CONSUMER_ORDERING: 'key',
      CONSUMER_COMMIT_INTERVAL_MS: '100',
      CONSUMER_METRICS_PORT: '0',
      CONSUMER_PROGRESS_INTERVAL_MS: '0',
    });
    const service = createConsumerService({ kafkaConfig: testKafkaConfig(), settings, logger: silentLogger(), registry: createRegistry({ app: 'test', defaultMetrics: false }) });
    const committed = async () => (await fetchGroupTopicOffsets(t.admin, groupId, topic))[0]?.committed ?? null;
    await ensureTopic(t.admin, { topic: outputTopic, partitions: 1 });
    const { messages } = await t.collect({ topic: outputTopic, groupId: t.groupId('cw-safe-commit-out'), fromBeginning: true });
    await service.start();
    try {
      const outputOffsets = () => new Set(messages.map((m) => (JSON.parse(m.value?.toString() ?? '{}') as { n: number }).n));

      // Every record but the slow one finishes and is output while the slow one is held.
      await waitFor(() => outputOffsets().size >= RECORDS - 1, { timeoutMs: 30_000, intervalMs: 20, description: `the records around the slow one to be output (have ${outputOffsets().size})` });
      expect(outputOffsets().has(SLOW_AT)).toBe(false);

      // The commit stays at k (the slow record is the next to read) for as long as it runs.
      const seen: Array<number | null> = [];
      await waitFor(
        async () => {
          seen.push(await committed());
          return seen.at(-1) === SLOW_AT;
        },
        { timeoutMs: 30_000, intervalMs: 50, description: `the commit to reach offset ${SLOW_AT}` },
      );
      for (let i = 0; i < 5; i += 1) seen.push(await committed());
      // read after the commits above: the slow record was still running while they were seen
      expect(outputOffsets().has(SLOW_AT)).toBe(false);
      expect(seen.every((offset) => offset === null || offset <= SLOW_AT)).toBe(true);
      expect(seen.slice(-5)).toEqual(Array(5).fill(SLOW_AT));

      // Once it finishes, the commit moves past the records that finished before it, to the end.
      await writeFile(releaseFile, '');
      await waitFor(async () => (await committed()) === RECORDS, { timeoutMs: 30_000, intervalMs: 100, description: 'the commit to reach the end' });
      expect(outputOffsets().has(SLOW_AT)).toBe(true);
    } finally {
      await writeFile(releaseFile, '');
      await service.stop();
      await rm(releaseDir, { recursive: true, force: true });
    }
  });
});
