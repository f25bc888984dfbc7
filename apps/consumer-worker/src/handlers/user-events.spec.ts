import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { HandlerOutput } from './handler.js';
import { handlerRecord } from '../../test-support/handler-record.js';
import createUserEventsHandler from './user-events.js';

describe('user-events handler', () => {
  it('emits per-action counts every emitEvery events, as deltas', async () => {
    const handler = await createUserEventsHandler({ emitEvery: '4', countsTopic: 'counts' });
    const actions = ['view', 'view', 'click', 'purchase', 'view', 'login', 'logout', 'view'];
    const emitted: HandlerOutput[] = [];
    for (const [i, action] of actions.entries()) {
      const outputs = await handler.handle(handlerRecord({ userId: 'u1', action, page: '/', ts: 1_000 + i }));
      emitted.push(...(outputs ?? []));
    }
    expect(emitted).toEqual([
      {
        topic: 'counts',
        key: `user-action-counts/${threadId}`,
        value: { kind: 'user-action-counts', thread: threadId, sequence: 1, events: 4, counts: { view: 2, click: 1, add_to_cart: 0, purchase: 1, login: 0, logout: 0 }, firstTs: 1_000, lastTs: 1_003 },
      },
      {
        topic: 'counts',
        key: `user-action-counts/${threadId}`,
        value: { kind: 'user-action-counts', thread: threadId, sequence: 2, events: 4, counts: { view: 2, click: 0, add_to_cart: 0, purchase: 0, login: 1, logout: 1 }, firstTs: 1_004, lastTs: 1_007 },
      },
    ]);
  });

  it('rejects an unknown action as not retriable (RECORD_INVALID): it is dead-lettered, not retried 5 times', async () => {
    const handler = await createUserEventsHandler({});
    await expect(async () => handler.handle(handlerRecord({ userId: 'u', action: 'dance', ts: 1 }))).rejects.toMatchObject({
      code: 'RECORD_INVALID',
      retriable: false,
      message: expect.stringMatching(/not a user event/),
    });
  });

  it('rejects a non-positive emitEvery', () => {
    expect(() => createUserEventsHandler({ emitEvery: '0' })).toThrow(/emitEvery/);
  });
});
