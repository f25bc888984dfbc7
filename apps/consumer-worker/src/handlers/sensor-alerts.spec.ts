import { describe, expect, it } from 'vitest';
import type { Handler, HandlerOutput } from './handler.js';
import createSensorAlertsHandler, { breachOf } from './sensor-alerts.js';
import { handlerRecord } from '../../test-support/handler-record.js';

function reading(sensorId: string, type: string, value: number, ts: number) {
  return { sensorId, type, value, unit: 'x', location: { site: 's', lat: 0, lon: 0 }, ts };
}

async function handle(handler: Handler, value: unknown, headers: Record<string, string> = {}): Promise<HandlerOutput[]> {
  return (await handler.handle(handlerRecord(value, { headers }))) ?? [];
}

describe('breachOf', () => {
  const cases: { type: 'temperature' | 'humidity' | 'pressure'; value: number; breach: 'above' | 'below' | undefined }[] = [
    { type: 'temperature', value: 25, breach: undefined },
    { type: 'temperature', value: 100, breach: undefined },
    { type: 'temperature', value: 100.01, breach: 'above' },
    { type: 'temperature', value: -40.5, breach: 'below' },
    { type: 'humidity', value: 0, breach: undefined },
    { type: 'humidity', value: 120, breach: 'above' },
    { type: 'pressure', value: 869.99, breach: 'below' },
    { type: 'pressure', value: 1_085, breach: undefined },
    { type: 'pressure', value: 1_200, breach: 'above' },
  ];
  it.each(cases)('$type $value → $breach', ({ type, value, breach }) => {
    expect(breachOf({ type, value })).toBe(breach);
  });
});

describe('sensor-alerts handler', () => {
  it('emits an alert with the sequence headers for an out-of-range reading only', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '0', alertsTopic: 'alerts' });
    expect(await handle(handler, reading('s1', 'temperature', 21.5, 1_000))).toEqual([]);
    const seq = { 'lagscale-producer-id': 'p', 'lagscale-seq': '7', 'lagscale-key-seq': '3', other: 'x' };
    expect(await handle(handler, reading('s1', 'temperature', 130, 2_000), seq)).toEqual([
      {
        topic: 'alerts',
        key: 's1',
        value: { kind: 'sensor-alert', sensorId: 's1', type: 'temperature', value: 130, breach: 'above', min: -40, max: 100, ts: 2_000 },
        headers: { 'lagscale-producer-id': 'p', 'lagscale-seq': '7', 'lagscale-key-seq': '3' },
      },
    ]);
  });

  it('emits a sensor window when a reading of a later window arrives', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '1000', statsTopic: 'stats' });
    const rows: { sensor: string; value: number; ts: number }[] = [
      { sensor: 'a', value: 10, ts: 100 },
      { sensor: 'b', value: 50, ts: 150 },
      { sensor: 'a', value: 20, ts: 900 },
      { sensor: 'a', value: 200, ts: 950 }, // alert
      { sensor: 'a', value: 5, ts: 50 }, // same window, late: still counted
    ];
    for (const row of rows) await handle(handler, reading(row.sensor, 'temperature', row.value, row.ts));
    const outputs = await handle(handler, reading('a', 'temperature', 30, 1_200));
    expect(outputs).toEqual([
      {
        topic: 'stats',
        key: 'a',
        value: { kind: 'sensor-window-stats', sensorId: 'a', type: 'temperature', windowStartMs: 0, windowEndMs: 1_000, count: 4, min: 5, max: 200, mean: 58.75, alerts: 1, partial: true, partialReason: 'started-mid-window' },
      },
    ]);
    // a reading of the closed window is not merged into it
    expect(await handle(handler, reading('a', 'temperature', 30, 500))).toEqual([]);
  });

  it('by default sends no window statistics, so the output topic holds only alerts', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '1000' });
    await handle(handler, reading('a', 'temperature', 10, 100));
    expect(await handle(handler, reading('a', 'temperature', 20, 1_200))).toEqual([]);
    expect(await handle(handler, reading('a', 'temperature', 20, 2_400))).toEqual([]);
  });

  it('throws for a value that is not a sensor reading', async () => {
    const handler = await createSensorAlertsHandler({});
    await expect(async () => handler.handle(handlerRecord({ sensorId: 's', type: 'wind', value: 3, ts: 1 }))).rejects.toMatchObject({
      code: 'RECORD_INVALID',
      retriable: false,
      message: expect.stringMatching(/not a sensor reading/),
    });
  });

  it('rejects bad options with the option name', () => {
    expect(() => createSensorAlertsHandler({ windowMs: '-5' })).toThrow(/sensor-alerts handler option windowMs/);
  });
});

describe('sensor-alerts partial windows', () => {
  type Window = { sensorId: string; windowStartMs: number; count: number; partial: boolean; partialReason?: string };
  const windowsOf = (outputs: HandlerOutput[]) =>
    outputs.filter((o) => o.topic === 'stats').map((o) => {
      const v = o.value as Window;
      return { sensor: v.sensorId, start: v.windowStartMs, count: v.count, partial: v.partial, reason: v.partialReason };
    });

  it('marks a window partial when it started before the first reading seen of its sensor', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '1000', slideMs: '500', statsTopic: 'stats' });
    await handle(handler, reading('a', 'temperature', 10, 500)); // in [0,1000) (started before) and [500,1500)
    expect(windowsOf(await handle(handler, reading('a', 'temperature', 10, 1_000)))).toEqual([{ sensor: 'a', start: 0, count: 1, partial: true, reason: 'started-mid-window' }]);
    expect(windowsOf(await handle(handler, reading('a', 'temperature', 10, 1_500)))).toEqual([{ sensor: 'a', start: 500, count: 2, partial: false, reason: undefined }]);
  });

  it('revoke flushes the open windows of the keys that leave, marked partial, and forgets them', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '1000', slideMs: '500', statsTopic: 'stats' });
    await handle(handler, reading('a', 'temperature', 10, 0));
    await handle(handler, reading('a', 'temperature', 10, 700));
    await handle(handler, reading('b', 'temperature', 10, 0));
    const flushed = (await handler.revoke?.({ topic: 't', partition: 0, keys: ['a', 'unknown', null] })) ?? [];
    expect(windowsOf(flushed)).toEqual([
      { sensor: 'a', start: 0, count: 2, partial: true, reason: 'revoked' },
      { sensor: 'a', start: 500, count: 1, partial: true, reason: 'revoked' },
    ]);
    // a's state is gone: its next reading starts afresh; b kept its window
    expect(windowsOf(await handle(handler, reading('a', 'temperature', 10, 5_000)))).toEqual([]);
    expect(windowsOf(await handle(handler, reading('b', 'temperature', 10, 5_000)))).toEqual([{ sensor: 'b', start: 0, count: 1, partial: false, reason: undefined }]);
  });

  it('emits the windows of a sensor dropped beyond maxSensors, marked partial', async () => {
    const handler = await createSensorAlertsHandler({ windowMs: '1000', statsTopic: 'stats', maxSensors: '1' });
    await handle(handler, reading('a', 'temperature', 10, 0));
    expect(windowsOf(await handle(handler, reading('b', 'temperature', 10, 0)))).toEqual([{ sensor: 'a', start: 0, count: 1, partial: true, reason: 'evicted' }]);
  });

  it('declares state, so keyed state is on by default', async () => {
    expect((await import('./sensor-alerts.js')).stateful).toBe(true);
  });
});

describe('sensor-alerts sliding windows', () => {
  it('counts a reading in every window that holds it and emits each window when the sensor passes its end', async () => {
    // windows of 1000 ms every 500 ms: [0,1000), [500,1500), [1000,2000), …
    const handler = await createSensorAlertsHandler({ windowMs: '1000', slideMs: '500', statsTopic: 'stats' });
    const stats = async (value: number, ts: number) =>
      (await handle(handler, reading('a', 'temperature', value, ts))).filter((o) => o.topic === 'stats').map((o) => {
        const v = o.value as { windowStartMs: number; count: number; min: number; max: number; alerts: number };
        return { start: v.windowStartMs, count: v.count, min: v.min, max: v.max, alerts: v.alerts };
      });
    expect(await stats(10, 100)).toEqual([]); // in [0,1000) (windows start at 0 or later)
    expect(await stats(20, 600)).toEqual([]); // in [0,1000), [500,1500)
    expect(await stats(150, 900)).toEqual([]); // alert, in [0,1000), [500,1500)
    expect(await stats(30, 1_600)).toEqual([
      { start: 0, count: 3, min: 10, max: 150, alerts: 1 },
      { start: 500, count: 2, min: 20, max: 150, alerts: 1 },
    ]);
    // late: its windows [500,1500) and [0,1000) are closed, [1000,2000)… it is not in; not counted anywhere
    expect(await stats(99, 700)).toEqual([]);
    expect(await stats(40, 2_000)).toEqual([{ start: 1_000, count: 1, min: 30, max: 30, alerts: 0 }]);
  });

  it('equals the tumbling windows when the slide is the length', async () => {
    const sliding = await createSensorAlertsHandler({ windowMs: '1000', slideMs: '1000' });
    const tumbling = await createSensorAlertsHandler({ windowMs: '1000' });
    const times = [10, 400, 999, 1_000, 1_500, 3_100, 2_900, 3_200, 5_000];
    for (const [i, ts] of times.entries()) {
      const value = reading(i % 2 === 0 ? 'a' : 'b', 'humidity', i * 20, ts);
      expect(await handle(sliding, value)).toEqual(await handle(tumbling, value));
    }
  });

  it('rejects a slide longer than the window', () => {
    expect(() => createSensorAlertsHandler({ windowMs: '1000', slideMs: '2000' })).toThrow(/slideMs must not exceed windowMs/);
  });
});
