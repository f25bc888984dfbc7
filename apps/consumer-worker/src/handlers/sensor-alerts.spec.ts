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
        value: { kind: 'sensor-window-stats', sensorId: 'a', type: 'temperature', windowStartMs: 0, windowEndMs: 1_000, count: 4, min: 5, max: 200, mean: 58.75, alerts: 1 },
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
    await expect(async () => handler.handle(handlerRecord({ sensorId: 's', type: 'wind', value: 3, ts: 1 }))).rejects.toThrow(/not a sensor reading/);
  });

  it('rejects bad options with the option name', () => {
    expect(() => createSensorAlertsHandler({ windowMs: '-5' })).toThrow(/sensor-alerts handler option windowMs/);
  });
});
