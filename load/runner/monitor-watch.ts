// lag-monitor's view during a run: its /status once a second, reduced to what the report shows.
import type { StatusDocument } from '@lagscale/lag-monitor';

export interface MonitorSample {
  /** Seconds since the run started. */
  t: number;
  totalLag: number;
  /** Members of the consumer group (replicas that joined). */
  members: number;
  groupState: string;
  /** Scaling: replicas the actuator runs, and what the policy wants. */
  current: number | undefined;
  desired: number | undefined;
  productionRate: number;
  consumptionRate: number;
}

/** Polls until stopped; samples accumulate in `samples`. A failed poll is skipped, not fatal. */
export class MonitorWatch {
  readonly samples: MonitorSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly groupId: string,
    private readonly startedAtMs: number,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    const tick = () => {
      this.inFlight = this.poll().finally(() => {
        this.inFlight = undefined;
      });
    };
    tick();
    this.timer = setInterval(() => {
      if (this.inFlight === undefined) tick();
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  latest(): MonitorSample | undefined {
    return this.samples.at(-1);
  }

  private async poll(): Promise<void> {
    const status = await fetch(`${this.url}/status`, { signal: AbortSignal.timeout(2_000) })
      .then((response) => (response.ok ? (response.json() as Promise<StatusDocument>) : undefined))
      .catch(() => undefined);
    const group = status?.groups.find((g) => g.groupId === this.groupId);
    if (status === undefined || group === undefined || status.collection === null) return;
    this.samples.push({
      t: (status.collection.atMs - this.startedAtMs) / 1000,
      totalLag: group.totalLag,
      members: group.members,
      groupState: group.state,
      current: status.scaling?.current,
      desired: status.scaling?.desired,
      productionRate: group.topics.reduce((sum, topic) => sum + (topic.productionRate ?? 0), 0),
      consumptionRate: group.topics.reduce((sum, topic) => sum + (topic.consumptionRate ?? 0), 0),
    });
  }
}
