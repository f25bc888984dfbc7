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
 */
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
  /** Open windows by start, with what the first reading said about the sensor (its type). */
  open: Map<number, WindowAggregate>;
  tag: T;
}

export interface ClosedWindow<T> {
  sensorId: string;
  tag: T;
  window: WindowAggregate;
}

export class SensorWindowStore<T> {
  readonly #sensors = new Map<string, SensorWindows<T>>();

  constructor(
    private readonly shape: WindowShape,
    /** Sensors kept; beyond it the least recently started sensor is dropped with its windows. */
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
    let sensor = this.#sensors.get(sensorId);
    if (sensor === undefined) {
      if (this.#sensors.size >= this.maxSensors) {
        const oldest = this.#sensors.keys().next();
        if (oldest.done !== true) this.#sensors.delete(oldest.value);
      }
      sensor = { watermarkMs: -Infinity, open: new Map(), tag };
      this.#sensors.set(sensorId, sensor);
    }
    const watermarkMs = Math.max(sensor.watermarkMs, tsMs);
    sensor.watermarkMs = watermarkMs;
    const closed: Array<ClosedWindow<T>> = [];
    for (const [start, window] of [...sensor.open].sort((a, b) => a[0] - b[0])) {
      if (window.endMs > watermarkMs) continue;
      sensor.open.delete(start);
      closed.push({ sensorId, tag: sensor.tag, window });
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
}
