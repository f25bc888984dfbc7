import { AppError } from '@lagscale/kafka-core';
import type { DispatchRecord, OutputRecord, PooledRecord } from '../../src/pool/executor.js';
import type { DispatcherOptions } from '../../src/dispatch/dispatcher-options.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { FakeClock, FakeExecutor } from './fake-executor.js';

// A dispatcher wired to fakes for the specs, with every hook call logged.

export interface DeadLetterCall {
  offset: number;
  reason: string;
  attempts: number;
}

export interface Harness {
  dispatcher: Dispatcher;
  executor: FakeExecutor;
  clock: FakeClock;
  produced: PooledRecord[];
  deadLettered: DeadLetterCall[];
  flowEvents: string[];
  /** Make the next `count` calls of `onOutputs` reject: a broker failure, or (`retriable` false) an AppError that says no attempt can succeed. */
  failOutputs(count: number, retriable?: boolean): void;
  /** Hold every `onOutputs` until the returned release is called. */
  holdOutputs(): () => void;
}

export function createHarness(options: Partial<DispatcherOptions> = {}): Harness {
  const executor = new FakeExecutor();
  const clock = new FakeClock();
  const produced: PooledRecord[] = [];
  const deadLettered: DeadLetterCall[] = [];
  const flowEvents: string[] = [];
  let outputFailures = 0;
  let outputFailuresRetriable = true;
  let gate: Promise<void> | undefined;
  const dispatcher = new Dispatcher(
    {
      executor,
      clock,
      onOutputs: async (record: PooledRecord, _outputs: readonly OutputRecord[]) => {
        await gate;
        if (outputFailures > 0) {
          outputFailures -= 1;
          if (!outputFailuresRetriable) throw new AppError('CONFIG_INVALID', 'no output topic is set', { retriable: false });
          // as kafkajs fails a send once its own retries are used up: marked not retriable, yet the broker may be back later
          throw Object.assign(new Error('broker down'), { name: 'KafkaJSNumberOfRetriesExceeded', retriable: false });
        }
        produced.push(record);
      },
      onDeadLetter: (record, reason, attempts) => {
        deadLettered.push({ offset: record.offset, reason, attempts });
        return Promise.resolve();
      },
      pause: (topic, partition) => flowEvents.push(`pause ${topic}-${partition}`),
      resume: (topic, partition) => flowEvents.push(`resume ${topic}-${partition}`),
    },
    { retryBaseMs: 100, retryMaxMs: 1_000, retryJitterRatio: 0, ...options },
  );
  return {
    dispatcher,
    executor,
    clock,
    produced,
    deadLettered,
    flowEvents,
    failOutputs: (count, retriable = true) => {
      outputFailures = count;
      outputFailuresRetriable = retriable;
    },
    holdOutputs: () => {
      let release: () => void = () => undefined;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

/** One output per record, so the spec sees `onOutputs` in processing order. */
export const okWithOutput = (record: DispatchRecord) => ({
  status: 'ok' as const,
  outputs: [{ key: record.key, value: record.value, headers: {} }],
});

