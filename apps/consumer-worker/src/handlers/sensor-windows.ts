/**
 * Per-sensor windows by reading time: tumbling (`slideMs` = `lengthMs`) or sliding (hopping, as
 * Kafka Streams' `TimeWindows.advanceBy`): windows of `lengthMs` start every `slideMs`, at
 * multiples of it (from 0, as in Kafka Streams), and a reading counts in every window that
 * contains its time.
 *
 * A sensor's windows close by its own readings: its watermark is the latest reading time seen,
 * and a window whose end is at or before the watermark is emitted (oldest first) and never
 * reopened. A reading that only falls into closed windows (late, or a retry after its window
 * closed) is not counted. Pure data structure: no clock, no I/O.
 *
 * No window is dropped silently: a window that may lack readings is emitted marked partial, with
 * the reason (`PartialReason`):
 * - `started-mid-window`: it started before the first reading this store saw of the sensor, so
 *   readings before that one may have gone elsewhere (another owner of the partition, before a
 *   rebalance or a restart); a window starting at or after it holds every reading of its span
 *   that this store was given;
 * - `revoked`: still open when the sensor's key left (`flush`, on a partition revoke);
 * - `evicted`: still open when the sensor was dropped to stay within `maxSensors`.
 */
export type PartialReason = 'started-mid-window' | 'revoked' | 'evicted';

export interface WindowAggregate {
  startMs: number;
  endMs: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  alerts: number;
}

export interface WindowShape {
  lengthMs: number;
  slideMs: number;
}

interface SensorWindows<T> {
  /** Latest reading time seen. */
  watermarkMs: number;
  /** Time of the first reading seen: windows starting before it are partial. */
  sinceMs: number;
  /** Open windows by start, with what the first reading said about the sensor (its type). */
  open: Map<number, WindowAggregate>;
  tag: T;
}

export interface ClosedWindow<T> {
  sensorId: string;
  tag: T;
  window: WindowAggregate;
  /** Set when the window may lack readings (see `PartialReason`). */
  partial?: PartialReason;
}

export class SensorWindowStore<T> {
  readonly #sensors = new Map<string, SensorWindows<T>>();

  constructor(
    private readonly shape: WindowShape,
    /** Sensors kept; beyond it the least recently started sensor is dropped, its open windows returned partial (`evicted`). */
    private readonly maxSensors: number,
  ) {
    if (!(shape.slideMs > 0 && shape.slideMs <= shape.lengthMs)) throw new Error(`slideMs must be > 0 and ≤ lengthMs (got ${shape.slideMs}, ${shape.lengthMs})`);
  }

  get sensors(): number {
    return this.#sensors.size;
  }

  /** Counts a reading; returns the windows of this sensor that it closed, oldest first. */
  add(sensorId: string, tag: T, tsMs: number, value: number, alert: boolean): Array<ClosedWindow<T>> {
    const { lengthMs, slideMs } = this.shape;
    const closed: Array<ClosedWindow<T>> = [];
    let sensor = this.#sensors.get(sensorId);
    if (sensor === undefined) {
      if (this.#sensors.size >= this.maxSensors) {
        const oldest = this.#sensors.keys().next();
        if (oldest.done !== true) closed.push(...this.flush(oldest.value, 'evicted'));
      }
      sensor = { watermarkMs: -Infinity, sinceMs: tsMs, open: new Map(), tag };
      this.#sensors.set(sensorId, sensor);
    }
    const watermarkMs = Math.max(sensor.watermarkMs, tsMs);
    sensor.watermarkMs = watermarkMs;
    for (const [start, window] of [...sensor.open].sort((a, b) => a[0] - b[0])) {
      if (window.endMs > watermarkMs) continue;
      sensor.open.delete(start);
      closed.push(closedWindow(sensorId, sensor, window, undefined));
    }
    // every window [s, s + length) with s a multiple of slide that contains tsMs and is still open
    for (let start = tsMs - (((tsMs % slideMs) + slideMs) % slideMs); start + lengthMs > tsMs && start >= 0; start -= slideMs) {
      const endMs = start + lengthMs;
      if (endMs <= watermarkMs) break;
      let window = sensor.open.get(start);
      if (window === undefined) {
        window = { startMs: start, endMs, count: 0, min: Infinity, max: -Infinity, sum: 0, alerts: 0 };
        sensor.open.set(start, window);
      }
      window.count += 1;
      window.sum += value;
      window.min = Math.min(window.min, value);
      window.max = Math.max(window.max, value);
      if (alert) window.alerts += 1;
    }
    return closed;
  }

  /** Emits a sensor's open windows, oldest first, marked partial with `reason`, and forgets the sensor. */
  flush(sensorId: string, reason: PartialReason): Array<ClosedWindow<T>> {
    const sensor = this.#sensors.get(sensorId);
    if (sensor === undefined) return [];
    this.#sensors.delete(sensorId);
    return [...sensor.open.values()].sort((a, b) => a.startMs - b.startMs).map((window) => closedWindow(sensorId, sensor, window, reason));
  }
}

function closedWindow<T>(sensorId: string, sensor: SensorWindows<T>, window: WindowAggregate, reason: PartialReason | undefined): ClosedWindow<T> {
  const partial = reason ?? (window.startMs < sensor.sinceMs ? 'started-mid-window' : undefined);
  return partial === undefined ? { sensorId, tag: sensor.tag, window } : { sensorId, tag: sensor.tag, window, partial };
}
