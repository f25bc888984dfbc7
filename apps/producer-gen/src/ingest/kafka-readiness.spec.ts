import { describe, expect, it } from 'vitest';
import { KafkaReadiness } from './kafka-readiness.js';

describe('KafkaReadiness', () => {
  it('answers from a fresh outcome without probing', async () => {
    let probes = 0;
    let now = 0;
    const readiness = new KafkaReadiness(async () => void (probes += 1), { freshForMs: 1_000, probeTimeoutMs: 100, now: () => now });
    readiness.down('Kafka is unreachable');
    expect(await readiness.check()).toBe('kafka unavailable: Kafka is unreachable');
    readiness.up();
    now = 999;
    expect(await readiness.check()).toBe(true);
    expect(probes).toBe(0);
  });

  it('probes when the last outcome is stale, and the probe decides', async () => {
    let now = 0;
    let healthy = false;
    const readiness = new KafkaReadiness(
      async () => {
        if (!healthy) throw new Error('connect ECONNREFUSED');
      },
      { freshForMs: 1_000, probeTimeoutMs: 100, now: () => now },
    );
    expect(await readiness.check()).toBe('kafka unavailable: connect ECONNREFUSED');
    healthy = true;
    now = 1_000;
    expect(await readiness.check()).toBe(true);
  });

  it('counts a probe that hangs as a failure after probeTimeoutMs, and runs one probe at a time', async () => {
    let probes = 0;
    const readiness = new KafkaReadiness(
      () => {
        probes += 1;
        return new Promise<void>(() => undefined);
      },
      { freshForMs: 0, probeTimeoutMs: 20 },
    );
    const results = await Promise.all([readiness.check(), readiness.check()]);
    expect(results).toEqual(['kafka unavailable: no result within 20 ms', 'kafka unavailable: no result within 20 ms']);
    expect(await readiness.check()).toBe('kafka unavailable: no result within 20 ms');
    expect(probes).toBe(1);
  });
});
