import { describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

// The idempotent producer's pipeline (src/producer/idempotentPipeline.js) driven through
// sendMessages, against a model of the broker's sequence checks (Kafka's ProducerStateManager):
// per producer and partition, a batch is appended when its first sequence follows the last one,
// recognised as a resend when it matches one of the last 5 batches, and answered
// OUT_OF_ORDER_SEQUENCE_NUMBER otherwise; a producer the partition has no state for may start at
// any sequence. Requests share one connection: answered in the order written.

interface Message { key: string; value: string; partition: number }
interface PartitionData { partition: number; messages: Message[]; firstSequence?: number }
interface TopicData { topic: string; partitions: PartitionData[] }
interface ProduceArgs { producerId: number; producerEpoch: number; topicData: TopicData[]; onWriteTurn(): void }
interface Written { label: string; producerId: number; firstSequences: number[]; settle(): void }
type SendMessages = (args: { acks: number; timeout: number; topicMessages: Array<{ topic: string; messages: Message[] }>; batch?: object }) => Promise<unknown>;

const createSendMessages = requireSrc('./producer/sendMessages.js') as (options: Record<string, unknown>) => SendMessages;
const createPipeline = requireSrc('./producer/idempotentPipeline.js') as (options: Record<string, unknown>) => {
  abandonBatch(batch: object): void;
  state(): { outstanding: string[]; ackedSinceReset: boolean; resetPending: boolean };
};
const createRetry = requireSrc('./retry/index.js') as (options: Record<string, unknown>) => unknown;
const { createErrorFromCode } = requireSrc('./protocol/error.js') as { createErrorFromCode(code: number): Error & { type: string } };
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: { level: number; logCreator(): () => void }): unknown; LEVELS: { NOTHING: number } };

const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
const TOPIC = 't';
const NOT_LEADER = 6;
const OUT_OF_ORDER = 45;

interface PartitionState { producerId: number; lastSeq: number; recent: Array<[number, number]> }

/** The broker: a log per partition, the producer state per partition, requests answered in order. */
class ModelBroker {
  nodeId = 0;
  readonly log = new Map<number, string[]>();
  readonly written: Written[] = [];
  private readonly state = new Map<number, PartitionState>();
  private readonly pending: Array<() => void> = [];
  /** Labels of requests to reject with NOT_LEADER_OR_FOLLOWER without appending, once each. */
  readonly rejectOnce = new Set<string>();
  /** Labels of requests to append and then answer with a lost connection, once each. */
  readonly loseAnswerOnce = new Set<string>();

  produce({ producerId, topicData, onWriteTurn }: ProduceArgs): Promise<unknown> {
    const partitions = topicData[0]?.partitions ?? [];
    const label = partitions[0]?.messages[0]?.value.split(':')[0] ?? '';
    onWriteTurn();
    return new Promise((resolve, reject) => {
      const settle = () => {
        if (this.rejectOnce.delete(label)) return reject(createErrorFromCode(NOT_LEADER));
        let error: Error | undefined;
        for (const p of partitions) {
          const outcome = this.append(producerId, p);
          if (outcome !== undefined && error === undefined) error = outcome;
        }
        if (this.loseAnswerOnce.delete(label)) return reject(Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError', retriable: true }));
        if (error !== undefined) return reject(error);
        resolve({ topics: [{ topicName: TOPIC, partitions: partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })) }] });
      };
      this.written.push({ label, producerId, firstSequences: partitions.map((p) => p.firstSequence ?? -1), settle });
      this.pending.push(settle);
    });
  }

  private append(producerId: number, { partition, messages, firstSequence = -1 }: PartitionData): Error | undefined {
    const first = firstSequence;
    const last = first + messages.length - 1;
    const state = this.state.get(partition);
    const known = state !== undefined && state.producerId === producerId;
    if (known && state.recent.some(([f, l]) => f === first && l === last)) return undefined; // a resend
    if (known && first !== state.lastSeq + 1) return createErrorFromCode(OUT_OF_ORDER);
    const next = known ? state : { producerId, lastSeq: -1, recent: [] };
    next.lastSeq = last;
    next.recent = [...next.recent, [first, last] as [number, number]].slice(-5);
    this.state.set(partition, next);
    const log = this.log.get(partition) ?? [];
    log.push(...messages.map((m) => m.value));
    this.log.set(partition, log);
    return undefined;
  }

  get inFlight(): number {
    return this.pending.length;
  }

  /** Answers the oldest request written. */
  answerOne(): void {
    const settle = this.pending.shift();
    if (settle === undefined) throw new Error('nothing in flight');
    settle();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2_000; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, turn < 100 ? 0 : 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function setup({ retries = 20 } = {}) {
  const broker = new ModelBroker();
  const failFindBroker = { count: 0 };
  let producerId = 1000;
  const eosManager = {
    getProducerId: () => producerId,
    getProducerEpoch: () => 0,
    isInitialized: () => true,
    isTransactional: () => false,
    initProducerId: async () => {
      producerId += 1;
    },
  };
  const cluster = {
    refreshMetadataIfNecessary: async () => undefined,
    refreshMetadata: async () => undefined,
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () => [0, 1].map((partitionId) => ({ partitionId, leader: 0 })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) => ({ 0: partitions.map(Number) }),
    findBroker: async () => {
      if (failFindBroker.count > 0) {
        failFindBroker.count -= 1;
        throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });
      }
      return broker;
    },
  };
  const pipeline = createPipeline({ logger, eosManager });
  const sendMessages = createSendMessages({
    logger,
    cluster,
    partitioner: ({ message }: { message: Message }) => message.partition,
    eosManager,
    retrier: createRetry({ retries, initialRetryTime: 1, maxRetryTime: 5, factor: 0, multiplier: 1 }),
    pipeline,
  });
  // batch "bN": 2 records on each of partitions 0 and 1, values "bN:<partition>:<i>"
  const send = (label: string, batch?: object) =>
    sendMessages({
      acks: -1,
      timeout: 1000,
      topicMessages: [{ topic: TOPIC, messages: [0, 1].flatMap((partition) => [0, 1].map((i) => ({ key: `k${partition}`, value: `${label}:${partition}:${i}`, partition }))) }],
      ...(batch ? { batch } : {}),
    });
  const labelsInLog = (partition: number) => (broker.log.get(partition) ?? []).filter((_, i) => i % 2 === 0).map((v) => v.split(':')[0] ?? '');
  return { broker, pipeline, send, labelsInLog, producerId: () => producerId, failFindBroker };
}

async function answerAll(broker: ModelBroker, done: () => boolean): Promise<void> {
  for (let round = 0; round < 500 && !done(); round += 1) {
    if (broker.inFlight > 0) broker.answerOne();
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('the idempotent producer with several batches in flight', () => {
  it('writes the first batch alone, then up to 5 at once, numbered in send order', async () => {
    const { broker, send, labelsInLog } = setup();
    const sends = ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((label) => send(label));
    await until(() => broker.inFlight === 1, 'the first batch');
    await new Promise((resolve) => setTimeout(resolve, 5));
    // a broker with no state for the producer takes any first sequence: nothing may overtake b0
    expect(broker.inFlight).toBe(1);
    broker.answerOne();
    await until(() => broker.inFlight === 5, 'five batches in flight');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(broker.written.map((w) => w.label)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
    let settled = 0;
    for (const p of sends) void p.then(() => (settled += 1));
    await answerAll(broker, () => settled === sends.length);
    await Promise.all(sends);
    expect(broker.written.map((w) => w.label)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(broker.written.map((w) => w.firstSequences)).toEqual([0, 2, 4, 6, 8, 10, 12].map((s) => [s, s]));
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
  });

  it('resends a failed batch in the middle with its sequences, and the later ones after it, in order', async () => {
    const { broker, send, labelsInLog } = setup();
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    broker.rejectOnce.add('b2');
    const sends = ['b1', 'b2', 'b3', 'b4'].map((label) => send(label));
    await until(() => broker.inFlight === 4, 'four batches in flight');
    broker.answerOne(); // b1 stored
    broker.answerOne(); // b2 rejected: not stored
    await until(() => broker.written.filter((w) => w.label === 'b2').length === 2, "b2's resend");
    // sent while b2's resend is unanswered: must not go before the batches that failed
    const late = send('b5');
    let settled = 0;
    for (const p of [...sends, late]) void p.then(() => (settled += 1));
    await answerAll(broker, () => settled === 5);
    await Promise.all([...sends, late]);

    const writes = broker.written.map((w) => `${w.label}@${w.firstSequences[0]}`);
    // b3 and b4 were answered out of order (b2 missing) and went again after b2's resend
    expect(writes).toEqual(['b0@0', 'b1@2', 'b2@4', 'b3@6', 'b4@8', 'b2@4', 'b3@6', 'b4@8', 'b5@10']);
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
  });

  it('a batch written before an earlier failure was seen is answered out of order and resent after it', async () => {
    const { broker, send, labelsInLog } = setup();
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    broker.rejectOnce.add('b1');
    const b1 = send('b1');
    await until(() => broker.inFlight === 1, 'b1');
    broker.answerOne(); // b1 rejected; b2 goes out in the same turn, before the failure is handled
    const b2 = send('b2');
    let settled = 0;
    for (const p of [b1, b2]) void p.then(() => (settled += 1));
    await answerAll(broker, () => settled === 2);
    await Promise.all([b1, b2]);
    expect(broker.written.map((w) => `${w.label}@${w.firstSequences[0]}`)).toEqual(['b0@0', 'b1@2', 'b2@4', 'b1@2', 'b2@4']);
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b1', 'b2']);
  });

  it('a batch that fails before it reaches a connection is not overtaken by the next one', async () => {
    const { broker, send, labelsInLog, failFindBroker } = setup();
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    // b1's first attempt finds no broker; b2, already past the gate, takes its turn next and must
    // neither be written nor numbered before b1
    failFindBroker.count = 1;
    const sends = ['b1', 'b2'].map((label) => send(label));
    let settled = 0;
    for (const p of sends) void p.then(() => (settled += 1));
    await answerAll(broker, () => settled === 2);
    await Promise.all(sends);
    expect(broker.written.map((w) => `${w.label}@${w.firstSequences[0]}`)).toEqual(['b0@0', 'b1@2', 'b2@4']);
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b1', 'b2']);
  });

  it('a batch stored whose answer was lost is resent and recognised, not stored twice', async () => {
    const { broker, send, labelsInLog } = setup();
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    broker.loseAnswerOnce.add('b1');
    const sends = ['b1', 'b2', 'b3'].map((label) => send(label));
    let settled = 0;
    for (const p of sends) void p.then(() => (settled += 1));
    await answerAll(broker, () => settled === 3);
    await Promise.all(sends);
    expect(broker.written.map((w) => w.label)).toEqual(['b0', 'b1', 'b2', 'b3', 'b1']);
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b1', 'b2', 'b3']);
  });

  it('keeps a batch\'s sequences across calls with the same batch object, and renumbers after abandonBatch', async () => {
    const { broker, pipeline, send, labelsInLog, producerId } = setup({ retries: 0 });
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    const b1 = {};
    broker.rejectOnce.add('b1');
    const first = send('b1', b1);
    await until(() => broker.inFlight === 1, 'b1');
    broker.answerOne();
    await expect(first).rejects.toThrow();
    // the caller sends it again: same sequences
    broker.rejectOnce.add('b1');
    const second = send('b1', b1);
    await until(() => broker.inFlight === 1, 'b1 again');
    broker.answerOne();
    await expect(second).rejects.toThrow();
    expect(broker.written.map((w) => `${w.label}@${w.firstSequences[0]}`)).toEqual(['b0@0', 'b1@2', 'b1@2']);

    // b2 waits behind the failed b1; the caller gives b1 up
    const b2 = send('b2');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(broker.inFlight).toBe(0);
    const before = producerId();
    pipeline.abandonBatch(b1);
    await until(() => broker.inFlight === 1, 'b2 under a new producer id');
    broker.answerOne();
    await b2;
    expect(producerId()).toBe(before + 1);
    const last = broker.written.at(-1)!;
    expect([last.label, last.producerId, last.firstSequences]).toEqual(['b2', before + 1, [0, 0]]);
    for (const partition of [0, 1]) expect(labelsInLog(partition)).toEqual(['b0', 'b2']);
  });

  it('an out-of-order answer to the oldest batch is not retried', async () => {
    const { broker, send } = setup();
    await Promise.all([send('b0'), answerAll(broker, () => broker.written.length === 1 && broker.inFlight === 0)]);
    const sends = ['b1', 'b2'].map((label) => send(label));
    await until(() => broker.inFlight === 2, 'two in flight');
    // the broker lost the producer's state for partition 0 in between: b1 cannot be placed
    (broker as unknown as { state: Map<number, PartitionState> }).state.get(0)!.lastSeq = 40;
    broker.answerOne();
    const [b1, b2] = sends as [Promise<unknown>, Promise<unknown>];
    await expect(b1).rejects.toMatchObject({ type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(broker.written.filter((w) => w.label === 'b1')).toHaveLength(1);
    broker.answerOne();
    await b2.catch(() => undefined);
  });
});
