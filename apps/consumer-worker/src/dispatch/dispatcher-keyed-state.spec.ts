import { describe, expect, it } from 'vitest';
import type { ReleasedState } from '../pool/executor.js';
import { Dispatcher } from './dispatcher.js';
import { FakeClock, FakeExecutor, flush, ok, record } from '../../test-support/dispatch/fake-executor.js';

/** An executor with keyed state: `revoke` answers what the test queued for it. */
class KeyedFakeExecutor extends FakeExecutor {
  readonly revokes: string[] = [];
  answer: ReleasedState = { outputs: [{ key: null, value: Buffer.from('window'), headers: {} }], errors: [] };

  revoke(topic: string, partitions: readonly number[]): Promise<ReleasedState> {
    this.revokes.push(`${topic} ${partitions.join(',')}`);
    return Promise.resolve(this.answer);
  }
}

function keyedHarness() {
  const executor = new KeyedFakeExecutor();
  const clock = new FakeClock();
  const released: string[] = [];
  let failures = 0;
  const dispatcher = new Dispatcher(
    {
      executor,
      clock,
      onOutputs: () => Promise.resolve(),
      onDeadLetter: () => Promise.resolve(),
      onStateReleased: (topic, partitions, { outputs, errors }) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('broker down'));
        }
        released.push(`${topic} ${partitions.join(',')}: ${outputs.length} outputs, errors [${errors.join('; ')}]`);
        return Promise.resolve();
      },
      pause: () => undefined,
      resume: () => undefined,
    },
    { retryBaseMs: 100, retryMaxMs: 1_000, retryJitterRatio: 0 },
  );
  return { dispatcher, executor, clock, released, failProduce: (count: number) => (failures = count) };
}

describe('Dispatcher with keyed state', () => {
  it('on a revoke has the executor flush the held partitions and produces what came back', async () => {
    const { dispatcher, executor, released } = keyedHarness();
    dispatcher.enqueue([record(0, 0, 'a'), record(1, 0, 'b')]);
    executor.settle(ok);
    await flush();
    dispatcher.revoke('t', [0, 5]); // 5 was never held: nothing ran of it
    await flush();
    expect(executor.revokes).toEqual(['t 0']);
    expect(released).toEqual(['t 0: 1 outputs, errors []']);
  });

  it('retries a refused produce of the flushed state with backoff; a drain ends the retries', async () => {
    const { dispatcher, executor, clock, released, failProduce } = keyedHarness();
    executor.answer = { outputs: [{ key: null, value: null, headers: {} }], errors: ['revoke of t-0 failed: boom'] };
    dispatcher.enqueue([record(0, 0, 'a'), record(1, 0, 'b')]);
    executor.settle(ok);
    await flush();
    failProduce(1);
    dispatcher.revoke('t', [0]);
    await flush();
    expect(released).toEqual([]);
    clock.advance(100);
    await flush();
    // the errors were handed over with the first (refused) call only
    expect(released).toEqual(['t 0: 1 outputs, errors []']);
    expect(dispatcher.stats().produceErrors).toBe(1);

    failProduce(100);
    dispatcher.revoke('t', [1]);
    await flush();
    expect(await dispatcher.drain(10_000)).toBe(true);
    expect(released).toHaveLength(1);
  });

  it('revokeAll gives up every held partition after the last commit and resolves once their state is produced', async () => {
    const { dispatcher, executor, released } = keyedHarness();
    dispatcher.enqueue([record(0, 0, 'a'), record(1, 0, 'b'), record(0, 0, 'c', 'u')]);
    executor.settle(ok);
    await flush();
    expect(dispatcher.committableOffsets()).toHaveLength(3);
    await dispatcher.revokeAll();
    expect(executor.revokes.sort()).toEqual(['t 0,1', 'u 0']);
    expect(released.sort()).toEqual(['t 0,1: 1 outputs, errors []', 'u 0: 1 outputs, errors []']);
    expect(dispatcher.committableOffsets()).toEqual([]);
  });

  it('tells nobody when nothing came back', async () => {
    const { dispatcher, executor, released } = keyedHarness();
    executor.answer = { outputs: [], errors: [] };
    dispatcher.enqueue([record(0, 0, 'a')]);
    executor.settle(ok);
    await flush();
    dispatcher.revoke('t', [0]);
    await flush();
    expect(executor.revokes).toEqual(['t 0']);
    expect(released).toEqual([]);
  });
});
