// `npm run demo` (interim, until the apps land): the libraries end to end on a real broker.
// Starts the embedded broker (unless KAFKA_BROKERS is set), creates a 6-partition topic,
// produces 10,000 keyed JSON records, consumes them with a consumer group that commits, and
// prints end, committed and lag per partition before and after. Ctrl-C safe: it stops what it
// started.
import { performance } from 'node:perf_hooks';
import { CONTENT_TYPE_HEADER, compressionTypeFromName, decodeRecordValue, jsonCodec } from '@lagscale/codecs';
import {
  connectClient,
  createKafka,
  createLogger,
  ensureTopic,
  fetchGroupTopicOffsets,
  JavaCompatiblePartitioner,
  loadKafkaConfig,
  partitionForKey,
  runCommand,
  summarizeLag,
  type LagSummary,
} from '@lagscale/kafka-core';
import { resolveBrokers, startEmbeddedBroker, type EmbeddedBroker } from '../kafka/embedded-broker.js';

const RECORDS = 10_000;
const PARTITIONS = 6;
const KEYS = 500;
const BATCH = 1_000;
const DEADLINE_MS = 120_000;

interface DemoEvent {
  user: string;
  seq: number;
  action: 'view' | 'click' | 'purchase';
  ts: number;
}

function printLag(title: string, summary: LagSummary, consumed?: Map<number, number>): void {
  console.log(`\n${title}`);
  const header = ['partition', 'end', 'committed', 'lag', ...(consumed ? ['consumed'] : [])];
  const rows = summary.partitions.map((p) => [
    String(p.partition),
    String(p.end),
    p.committed === null ? '(none)' : String(p.committed),
    String(p.lag),
    ...(consumed ? [String(consumed.get(p.partition) ?? 0)] : []),
  ]);
  const totalEnd = summary.partitions.reduce((sum, p) => sum + p.end, 0);
  rows.push(['total', String(totalEnd), '', String(summary.totalLag), ...(consumed ? [String([...consumed.values()].reduce((a, b) => a + b, 0))] : [])]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (summary.uncommittedPartitions > 0) {
    console.log(`(${summary.uncommittedPartitions} partitions without a commit: lag counted as end − start, auto.offset.reset=earliest)`);
  }
}

async function main(): Promise<number> {
  const logger = createLogger({ name: 'demo', level: process.env.LOG_LEVEL === undefined ? 'error' : undefined });
  let broker: EmbeddedBroker | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log('\ninterrupted: cleaning up (Ctrl-C again to force)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (process.env.KAFKA_BROKERS?.trim()) {
      console.log(`using the Kafka cluster at ${process.env.KAFKA_BROKERS}`);
    } else {
      console.log('starting the embedded Kafka broker (tools/kafka) ...');
      broker = await startEmbeddedBroker();
      console.log(`broker ready at ${broker.brokers.join(',')}${broker.startedByUs ? '' : ' (already running)'}`);
    }
    const config = loadKafkaConfig({ ...process.env, KAFKA_BROKERS: resolveBrokers().join(','), KAFKA_CLIENT_ID: 'lagscale-demo' });
    const kafka = createKafka(config, logger);
    const admin = await connectClient(kafka.admin(), { brokers: config.brokers, what: 'demo admin' });
    cleanups.push(() => admin.disconnect());

    const runId = Date.now().toString(36);
    const topic = `lagscale-demo-${runId}`;
    const groupId = `lagscale-demo-group-${runId}`;
    await ensureTopic(admin, { topic, partitions: PARTITIONS });
    cleanups.unshift(() => admin.deleteGroups([groupId]).catch(() => undefined));
    cleanups.unshift(() => admin.deleteTopics({ topics: [topic] }).catch(() => undefined));
    console.log(`topic ${topic}: ${PARTITIONS} partitions; group ${groupId}`);

    // Produce: JSON values stamped with their content type, lz4-compressed batches, keys placed
    // where the Java client would put them.
    const producer = await connectClient(kafka.producer({ createPartitioner: JavaCompatiblePartitioner }), {
      brokers: config.brokers,
      what: 'demo producer',
    });
    cleanups.unshift(() => producer.disconnect());
    const actions: DemoEvent['action'][] = ['view', 'click', 'purchase'];
    const produceStart = performance.now();
    for (let offset = 0; offset < RECORDS && !interrupted; offset += BATCH) {
      const messages = Array.from({ length: Math.min(BATCH, RECORDS - offset) }, (_, i) => {
        const seq = offset + i;
        const event: DemoEvent = { user: `user-${seq % KEYS}`, seq, action: actions[seq % 3] ?? 'view', ts: Date.now() };
        return { key: event.user, value: jsonCodec.encode(event), headers: { [CONTENT_TYPE_HEADER]: jsonCodec.contentType } };
      });
      await producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1, compression: compressionTypeFromName('lz4') });
    }
    const produceMs = performance.now() - produceStart;
    console.log(`produced ${RECORDS.toLocaleString()} records over ${KEYS} keys in ${produceMs.toFixed(0)} ms (${Math.round(RECORDS / (produceMs / 1000)).toLocaleString()} records/s, acks=all, lz4)`);
    printLag('before consuming (the group has not committed yet):', summarizeLag(await fetchGroupTopicOffsets(admin, groupId, topic), 'earliest'));

    // Consume with a group: decode by content type, check per-key order and placement, commit.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
    cleanups.unshift(() => consumer.disconnect());
    await connectClient(consumer, { brokers: config.brokers, what: 'demo consumer' });
    await consumer.subscribe({ topic, fromBeginning: true });
    const consumed = new Map<number, number>();
    const lastSeqByKey = new Map<string, number>();
    let outOfOrder = 0;
    let misplaced = 0;
    let undecodable = 0;
    const consumeStart = performance.now();
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const message of batch.messages) {
          const decoded = decodeRecordValue(message.value, message.headers, jsonCodec);
          if (!decoded.ok || decoded.tombstone) {
            undecodable += 1;
          } else {
            const event = decoded.value as DemoEvent;
            if ((lastSeqByKey.get(event.user) ?? -1) > event.seq) outOfOrder += 1;
            lastSeqByKey.set(event.user, event.seq);
            if (partitionForKey(event.user, PARTITIONS) !== batch.partition) misplaced += 1;
          }
          consumed.set(batch.partition, (consumed.get(batch.partition) ?? 0) + 1);
          resolveOffset(message.offset);
        }
        await heartbeat();
      },
    });

    const deadline = Date.now() + DEADLINE_MS;
    let summary = summarizeLag(await fetchGroupTopicOffsets(admin, groupId, topic), 'earliest');
    while ((summary.totalLag > 0 || summary.uncommittedPartitions > 0) && !interrupted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      summary = summarizeLag(await fetchGroupTopicOffsets(admin, groupId, topic), 'earliest');
    }
    const consumeMs = performance.now() - consumeStart;
    await consumer.stop();
    summary = summarizeLag(await fetchGroupTopicOffsets(admin, groupId, topic), 'earliest');
    printLag('after consuming (lag = end − committed):', summary, consumed);

    const total = [...consumed.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\nconsumed ${total.toLocaleString()} records in ${consumeMs.toFixed(0)} ms; ` +
        `out of order per key: ${outOfOrder}; on the wrong partition: ${misplaced}; undecodable: ${undecodable}`,
    );
    if (interrupted) return 130;
    const ok = summary.totalLag === 0 && total >= RECORDS && outOfOrder === 0 && misplaced === 0 && undecodable === 0;
    console.log(ok ? 'demo OK: every record consumed in key order and committed; lag is 0' : 'demo FAILED: see the table above');
    return ok ? 0 : 1;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    if (broker?.startedByUs) {
      console.log('stopping the embedded broker');
      await broker.stop();
    }
  }
}

await runCommand(main);
