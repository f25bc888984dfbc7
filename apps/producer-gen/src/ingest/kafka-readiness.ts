import { describeError } from '@lagscale/kafka-core';
import { withDeadline } from './with-deadline.js';

export interface KafkaReadinessOptions {
  /** A known outcome younger than this answers `/readyz` without asking Kafka again. */
  freshForMs: number;
  /** The longest one probe may take before it counts as a failure. */
  probeTimeoutMs: number;
  now?: () => number;
}

export const defaultKafkaReadinessOptions = { freshForMs: 1_000, probeTimeoutMs: 2_000 } satisfies KafkaReadinessOptions;

/**
 * Whether Kafka answers, as far as the gateway knows. kafkajs does not report a lost
 * connection, so the last outcome of a real request (a produce, a metadata lookup) is the
 * evidence; when that is stale, `/readyz` runs a cheap probe, at most one at a time.
 */
export class KafkaReadiness {
  private last: { ok: true; at: number } | { ok: false; at: number; reason: string } | undefined;
  private probing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly probe: () => Promise<void>,
    private readonly options: KafkaReadinessOptions = defaultKafkaReadinessOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  up(): void {
    this.last = { ok: true, at: this.now() };
  }

  down(reason: string): void {
    this.last = { ok: false, at: this.now(), reason };
  }

  /** True, or why Kafka is not usable: the shape of an ops-server readiness check. */
  async check(): Promise<true | string> {
    if (this.last === undefined || this.now() - this.last.at >= this.options.freshForMs) await this.runProbe();
    const last = this.last;
    if (last === undefined) return 'kafka not probed yet';
    return last.ok ? true : `kafka unavailable: ${last.reason}`;
  }

  private async runProbe(): Promise<void> {
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    try {
      await withDeadline(this.probing, this.options.probeTimeoutMs);
      this.up();
    } catch (err) {
      this.down(describeError(err));
    }
  }
}
