// Deterministic, realistic record values for the codec benchmarks: the same bytes every run,
// so figures from different machines and commits compare.

export type Random = () => number;

// mulberry32: tiny, fast and good enough to vary field values.
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d_2b_79_f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, max: number) => Math.floor(random() * max);
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

const eventTypes = ['page_view', 'click', 'add_to_cart', 'checkout', 'search'] as const;
const paths = ['/', '/products', '/products/4711', '/cart', '/search?q=boots', '/account'] as const;

/** A click-stream event, ~100 bytes as JSON. */
export function userEvent(random: Random, ts: number) {
  return {
    id: `e_${int(random, 0xff_ff_ff_ff).toString(16).padStart(8, '0')}`,
    user: `u_${int(random, 100_000)}`,
    type: pick(random, eventTypes),
    ts,
    path: pick(random, paths),
  };
}

const sensors = [
  ['temperature', 'C'],
  ['humidity', '%'],
  ['pressure', 'hPa'],
  ['co2', 'ppm'],
  ['pm25', 'ug/m3'],
  ['voltage', 'V'],
  ['current', 'A'],
  ['vibration', 'mm/s'],
] as const;

/** A device's batch of sensor readings, ~1 KB as JSON. */
export function sensorReading(random: Random, ts: number) {
  return {
    deviceId: `dev-${int(random, 10_000).toString().padStart(5, '0')}`,
    site: pick(random, ['ams-1', 'fra-2', 'lon-3', 'nyc-1']),
    firmware: `2.${int(random, 10)}.${int(random, 30)}`,
    ts,
    location: { lat: round(52 + random(), 6), lon: round(4 + random(), 6) },
    battery: { level: round(random(), 3), charging: random() < 0.2 },
    readings: sensors.map(([sensor, unit], i) => ({
      sensor,
      unit,
      value: round(random() * 100, 3),
      ts: ts - i * 250,
      quality: random() < 0.95 ? 'good' : 'suspect',
    })),
    tags: ['outdoor', pick(random, ['roof', 'street', 'yard']), `zone-${int(random, 12)}`],
  };
}

/** Newline-separated JSON records (both kinds, 9:1) until at least `bytes` long. */
export function jsonLines(random: Random, bytes: number): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const ts = 1_700_000_000_000 + i * 13;
    const line = JSON.stringify(i % 10 === 9 ? sensorReading(random, ts) : userEvent(random, ts));
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return Buffer.from(lines.join('\n'));
}
