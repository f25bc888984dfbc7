import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TestKafka, waitFor, waitForGroupCaughtUp, type CollectedMessage } from '@lagscale/kafka-core/testing';
import { killWorkerProcesses, startWorkerProcess, topicRecordCount, workerTopics } from '../test-support/worker-process.js';

// Sliding windows of 4 s every 1 s: each reading counts in up to 4 windows.
const WINDOW_MS = 4_000;
const SLIDE_MS = 1_000;
const SENSORS = 40;
const SHUTDOWN_TIMEOUT_MS = 10_000;

// The alert ranges, written out here: the reference must not reuse the handler's code.
const RANGES = { temperature: [-40, 100], humidity: [0, 100], pressure: [870, 1_085] } as const;
type SensorType = keyof typeof RANGES;
const TYPES = Object.keys(RANGES) as SensorType[];

interface Reading {
  sensorId: string;
  type: SensorType;
  value: number;
  ts: number;
}

/** Deterministic readings: per sensor, times rise by 150–400 ms; about 1 in 12 leaves its range. */
function readings(fromStep: number, steps: number, seed: number): Reading[] {
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const out: Reading[] = [];
  for (let step = fromStep; step < fromStep + steps; step += 1) {
    for (let s = 0; s < SENSORS; s += 1) {
      const type = TYPES[s % TYPES.length] as SensorType;
      const [min, max] = RANGES[type];
      const breach = random() < 1 / 12;
      const value = breach ? (random() < 0.5 ? min - 1 - Math.round(random() * 5_000) / 100 : max + 1 + Math.round(random() * 5_000) / 100) : min + Math.round(random() * (max - min) * 100) / 100;
      // a time per sensor and step, rising with the step, never on a slide boundary at the step's start
      out.push({ sensorId: `sensor-${s}`, type, value, ts: 137 + s * 11 + step * 275 + Math.floor(random() * 100) });
    }
  }
  return out;
}

// ── the single-threaded reference: a batch computation over the whole input ─────────────────────

interface RefAlert {
  sensorId: string;
  ts: number;
  value: number;
  breach: 'above' | 'below';
}

interface RefWindow {
  sensorId: string;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  alerts: number;
  /** Closed by a later reading (emitted while running), or still open at the end (flushed on stop, partial). */
  closed: boolean;
  /** Starts before the sensor's first reading. */
  startedMidWindow: boolean;
}

function breachOf(r: Reading): 'above' | 'below' | undefined {
  const [min, max] = RANGES[r.type];
  return r.value > max ? 'above' : r.value < min ? 'below' : undefined;
}

function reference(input: readonly Reading[]): { alerts: RefAlert[]; windows: RefWindow[] } {
  const alerts: RefAlert[] = [];
  const bySensor = new Map<string, Reading[]>();
  for (const r of input) {
    const breach = breachOf(r);
    if (breach !== undefined) alerts.push({ sensorId: r.sensorId, ts: r.ts, value: r.value, breach });
    bySensor.set(r.sensorId, [...(bySensor.get(r.sensorId) ?? []), r]);
  }
  const windows: RefWindow[] = [];
  for (const [sensorId, list] of bySensor) {
    const first = list[0]!.ts;
    const last = list[list.length - 1]!.ts;
    const starts = new Set<number>();
    for (const r of list) for (let s = Math.floor(r.ts / SLIDE_MS) * SLIDE_MS; s > r.ts - WINDOW_MS && s >= 0; s -= SLIDE_MS) starts.add(s);
    for (const start of [...starts].sort((a, b) => a - b)) {
      const inside = list.filter((r) => r.ts >= start && r.ts < start + WINDOW_MS);
      windows.push({
        sensorId,
        windowStartMs: start,
        windowEndMs: start + WINDOW_MS,
        count: inside.length,
        min: Math.min(...inside.map((r) => r.value)),
        max: Math.max(...inside.map((r) => r.value)),
        sum: inside.reduce((sum, r) => sum + r.value, 0),
        alerts: inside.filter((r) => breachOf(r) !== undefined).length,
        closed: start + WINDOW_MS <= last,
        startedMidWindow: start < first,
      });
    }
  }
  return { alerts, windows };
}

// ── what the worker produced ─────────────────────────────────────────────────────────────────────

interface Stats {
  sensorId: string;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  alerts: number;
  partial: boolean;
  partialReason?: string;
}

function values<T>(messages: readonly CollectedMessage[]): T[] {
  return messages.map((m) => JSON.parse(m.value!.toString()) as T);
}

function expectedStats(w: RefWindow, partialReason?: string): Stats {
  const reason = partialReason ?? (w.startedMidWindow ? 'started-mid-window' : undefined);
  return {
    sensorId: w.sensorId,
    windowStartMs: w.windowStartMs,
    windowEndMs: w.windowEndMs,
    count: w.count,
    min: w.min,
    max: w.max,
    mean: w.sum / w.count,
    alerts: w.alerts,
    partial: reason !== undefined,
    ...(reason === undefined ? {} : { partialReason: reason }),
  };
}

function bySensor<T extends { sensorId: string }>(items: readonly T[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const item of items) (out[item.sensorId] ??= []).push(item);
  return out;
}

const windowId = (w: { sensorId: string; windowStartMs: number }) => `${w.sensorId}@${w.windowStartMs}`;

async function produceReadings(t: TestKafka, topic: string, list: readonly Reading[]): Promise<void> {
  const producer = await t.producer();
  for (let i = 0; i < list.length; i += 1_000) {
    await producer.send({ topic, messages: list.slice(i, i + 1_000).map((r) => ({ key: r.sensorId, value: JSON.stringify({ ...r, unit: 'x' }) })) });
  }
}

async function scenario(t: TestKafka, prefix: string) {
  const topic = await t.createTopic({ partitions: 6, prefix });
  const { outputTopic } = workerTopics(t, topic);
  const statsTopic = await t.createTopic({ partitions: 6, prefix: `${prefix}-stats` });
  const groupId = t.groupId(prefix);
  const flags = {
    topic,
    'group-id': groupId,
    'output-topic': outputTopic,
    handler: 'sensor-alerts',
    'handler-options': `statsTopic=${statsTopic},windowMs=${WINDOW_MS},slideMs=${SLIDE_MS}`,
    'commit-interval-ms': 200,
    'shutdown-timeout-ms': SHUTDOWN_TIMEOUT_MS,
    'session-timeout-ms': 10_000,
  };
  return { topic, outputTopic, statsTopic, groupId, flags };
}

describe('consumer-worker: exact keyed state (sensor-alerts)', () => {
  const t = new TestKafka();
  afterEach(() => killWorkerProcesses());
  afterAll(() => t.cleanup());

  it('with 4 threads, alerts and window statistics equal a single-threaded reference, record for record', { timeout: 180_000 }, async () => {
    const { topic, outputTopic, statsTopic, groupId, flags } = await scenario(t, 'cw-keyed');
    const input = readings(0, 150, 7);
    await produceReadings(t, topic, input);
    const ref = reference(input);
    const closed = ref.windows.filter((w) => w.closed);
    const open = ref.windows.filter((w) => !w.closed);

    // keyed state is the default for sensor-alerts (it declares state): no flag needed
    const worker = await startWorkerProcess({ ...flags, threads: 4 });
    await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 120_000, intervalMs: 250, description: 'the worker to commit every reading' });
    await waitFor(async () => (await topicRecordCount(t, statsTopic)) >= closed.length, { timeoutMs: 60_000, description: `${closed.length} windows` });
    expect((await worker.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000)).code, worker.output()).toBe(0);

    const alertsOut = await t.collect({ topic: outputTopic, groupId: t.groupId('cw-keyed-alerts'), fromBeginning: true });
    const statsOut = await t.collect({ topic: statsTopic, groupId: t.groupId('cw-keyed-stats'), fromBeginning: true });
    const [alertsWritten, statsWritten] = [await topicRecordCount(t, outputTopic), await topicRecordCount(t, statsTopic)];
    await waitFor(() => alertsOut.messages.length >= alertsWritten && statsOut.messages.length >= statsWritten, {
      timeoutMs: 30_000,
      description: 'every output read back',
    });

    // Alerts: per sensor, the same alerts in the same order (a sensor's outputs share a key and a partition).
    const alerts = values<RefAlert & { kind: string }>(alertsOut.messages).map(({ sensorId, ts, value, breach }) => ({ sensorId, ts, value, breach }));
    expect(alerts.length).toBe(ref.alerts.length);
    expect(bySensor(alerts)).toEqual(bySensor(ref.alerts));

    // Windows: while running, every closed window exactly, in order; on stop, every open one, marked partial.
    const stats = values<Stats & { kind: string; type: string }>(statsOut.messages).map(({ kind: _kind, type: _type, ...rest }) => rest);
    const emitted = bySensor(stats);
    const expected = bySensor([...closed.map((w) => expectedStats(w)), ...open.map((w) => expectedStats(w, 'revoked'))]);
    expect(stats.length).toBe(closed.length + open.length);
    expect(emitted).toEqual(expected);
    console.log(`keyed state, 4 threads: ${input.length} readings, ${alerts.length} alerts, ${closed.length} windows closed, ${open.length} flushed on stop: equal to the reference`);
  });

  it('a second replica takes partitions mid-window: the revoked keys flush their windows marked partial, and the parts add up to the reference', { timeout: 240_000 }, async () => {
    const { topic, outputTopic, statsTopic, groupId, flags } = await scenario(t, 'cw-keyed-rb');
    const firstHalf = readings(0, 80, 11);
    const secondHalf = readings(80, 80, 13);
    const input = [...firstHalf, ...secondHalf];
    const ref = reference(input);

    await produceReadings(t, topic, firstHalf);
    const first = await startWorkerProcess({ ...flags, threads: 2 });
    await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 120_000, intervalMs: 250, description: 'the first replica to commit the first half' });
    const beforeJoin = await topicRecordCount(t, statsTopic);

    // The group rebalances: some partitions leave the first replica with their sensors' windows open.
    const second = await startWorkerProcess({ ...flags, threads: 2 });
    await waitFor(async () => (await topicRecordCount(t, statsTopic)) > beforeJoin, { timeoutMs: 60_000, description: 'the revoked keys to flush their windows' });
    await produceReadings(t, topic, secondHalf);
    await waitForGroupCaughtUp(t.admin, groupId, topic, { timeoutMs: 120_000, intervalMs: 250, description: 'both replicas to commit the second half' });
    const statsOut = await t.collect({ topic: statsTopic, groupId: t.groupId('cw-keyed-rb-stats'), fromBeginning: true });
    await waitFor(() => statsOut.messages.length >= ref.windows.filter((w) => w.closed).length, { timeoutMs: 60_000, description: 'the closed windows' });
    const revokedWhileRunning = values<Stats>(statsOut.messages).filter((s) => s.partialReason === 'revoked').length;
    expect(revokedWhileRunning, 'windows flushed at the rebalance').toBeGreaterThan(0);

    expect((await second.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000)).code, second.output()).toBe(0);
    expect((await first.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000)).code, first.output()).toBe(0);
    const settledCount = await topicRecordCount(t, statsTopic);
    await waitFor(() => statsOut.messages.length >= settledCount, { timeoutMs: 30_000, description: 'every window read back' });
    const stats = values<Stats>(statsOut.messages);

    // No window is dropped: each reference window came out complete and equal, or in partial
    // parts (the first replica's up to the revoke, the second's from its first reading) whose
    // merge equals it. A complete window is never wrong.
    const parts = new Map<string, Stats[]>();
    for (const s of stats) parts.set(windowId(s), [...(parts.get(windowId(s)) ?? []), s]);
    const problems: string[] = [];
    let merged = 0;
    for (const w of ref.windows) {
      const got = parts.get(windowId(w)) ?? [];
      parts.delete(windowId(w));
      const complete = got.filter((s) => !s.partial);
      const partial = got.filter((s) => s.partial);
      if (got.length === 0) problems.push(`${windowId(w)}: dropped`);
      for (const s of complete) {
        const { kind: _kind, type: _type, ...rest } = s as Stats & { kind?: string; type?: string };
        if (!isDeepStrictEqual(rest, expectedStats(w))) problems.push(`${windowId(w)}: complete but ${JSON.stringify(rest)} ≠ ${JSON.stringify(expectedStats(w))}`);
      }
      if (complete.length === 0 && partial.length > 0) {
        merged += partial.length > 1 ? 1 : 0;
        const count = partial.reduce((n, s) => n + s.count, 0);
        const alerts = partial.reduce((n, s) => n + s.alerts, 0);
        const sum = partial.reduce((n, s) => n + s.mean * s.count, 0);
        const min = Math.min(...partial.map((s) => s.min));
        const max = Math.max(...partial.map((s) => s.max));
        if (count !== w.count || alerts !== w.alerts || min !== w.min || max !== w.max || Math.abs(sum - w.sum) > 1e-6 * Math.max(1, Math.abs(w.sum))) {
          problems.push(`${windowId(w)}: parts ${JSON.stringify(partial)} do not add up to ${JSON.stringify(w)}`);
        }
      }
    }
    for (const id of parts.keys()) problems.push(`${id}: not in the reference`);
    expect(problems).toEqual([]);
    expect(merged, 'windows split by the rebalance and made whole by their parts').toBeGreaterThan(0);

    // Alerts are at least once: each reference alert is there, and nothing else.
    const alertsOut = await t.collect({ topic: outputTopic, groupId: t.groupId('cw-keyed-rb-alerts'), fromBeginning: true });
    await waitFor(() => alertsOut.messages.length >= ref.alerts.length, { timeoutMs: 30_000, description: 'the alerts' });
    const alertIds = new Set(values<RefAlert>(alertsOut.messages).map((a) => `${a.sensorId}@${a.ts}`));
    expect(ref.alerts.filter((a) => !alertIds.has(`${a.sensorId}@${a.ts}`))).toEqual([]);
    expect(alertIds.size).toBe(ref.alerts.length);
    console.log(`keyed state, rebalance: ${stats.length} window outputs for ${ref.windows.length} windows, ${revokedWhileRunning} flushed at the rebalance, ${merged} made whole from parts`);
  });
});
