import { describe, expect, it } from 'vitest';
import createIoWaitHandler from './io-wait.js';
import { handlerRecord } from '../../test-support/handler-record.js';

describe('io-wait handler', () => {
  it('waits, then passes the record on byte for byte', async () => {
    const handler = await createIoWaitHandler({ waitMs: '1' });
    const record = handlerRecord({ n: 1 });
    const outputs = await handler.handle(record);
    expect(handler.readsValue).toBe(false);
    expect(outputs).toHaveLength(1);
    expect(outputs?.[0]?.value).toBe(record.rawValue);
    expect(outputs?.[0]?.key).toBe(record.key);
  });

  it('with waitMs=0 passes a record on without a timer (a timer of 0 would wait a millisecond each)', async () => {
    const handler = await createIoWaitHandler({ waitMs: '0' });
    let outputs: unknown;
    void Promise.resolve(handler.handle(handlerRecord({ n: 1 }))).then((result) => (outputs = result));
    // microtasks only: a timer, however short, could not have fired yet
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(outputs).toHaveLength(1);
  });

  it('produces nothing with passThrough=false', async () => {
    const handler = await createIoWaitHandler({ waitMs: '0', passThrough: 'false' });
    expect(await handler.handle(handlerRecord({ n: 1 }))).toBeUndefined();
  });

  it('rejects a negative wait, naming the option', async () => {
    await expect(async () => createIoWaitHandler({ waitMs: '-1' })).rejects.toThrow(/io-wait handler option waitMs/);
  });
});
