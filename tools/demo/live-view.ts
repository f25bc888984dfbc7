import type { CycleResult, GroupTopicView, ScalingDecision } from '@lagscale/lag-monitor';

/** What the view shows besides the monitor's cycle. */
export interface LiveViewContext {
  elapsedMs: number;
  expectedMs: number;
  phase: string;
  produced: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (n: number | null) => (n === null ? '∞' : `${n.toFixed(1)}s`);
const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}`;

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

export function decisionLine(d: ScalingDecision | undefined): string {
  if (d === undefined) return 'no decision yet';
  const move = d.action === 'hold' ? `hold at ${d.current}` : `${d.action} ${d.current} → ${d.desired}`;
  return `${move} (${d.reason}): ${d.detail}`;
}

/** The lines of one frame: per-partition lag, rates, health, replicas and the last decision. */
export function renderFrame(cycle: CycleResult, view: GroupTopicView | undefined, ctx: LiveViewContext, lastChange: ScalingDecision | undefined): string[] {
  const lines = [
    `lagscale demo  ${clock(ctx.elapsedMs)} / ~${clock(ctx.expectedMs)}   phase: ${ctx.phase}   produced ${fmt(ctx.produced)}`,
  ];
  if (!cycle.snapshot.ok) lines.push(`collection failed: ${cycle.snapshot.errors.map((e) => e.message).join('; ')}`);
  if (view === undefined) return [...lines, 'waiting for the first collection of the group ...'];
  const replicas = cycle.scaling === undefined ? '' : `   replicas ${cycle.scaling.current}${cycle.scaling.desired === cycle.scaling.current ? '' : ` → ${cycle.scaling.desired}`}`;
  lines.push(`group ${view.groupId} (${view.state}, ${view.members} members) on ${view.topic}${replicas}`);
  const rows = view.partitions.map((p) => [
    String(p.partition),
    fmt(p.end),
    p.committed === null ? '-' : fmt(p.committed),
    fmt(p.lag),
    fmt(p.productionRate),
    fmt(p.consumptionRate),
    secs(p.timeLagSeconds),
    p.health,
  ]);
  rows.push(['all', fmt(view.partitions.reduce((s, p) => s + p.end, 0)), '', fmt(view.totalLag), fmt(view.productionRate), fmt(view.consumptionRate), secs(view.maxTimeLagSeconds), view.health]);
  lines.push(...table(['partition', 'end', 'committed', 'lag', 'in/s', 'out/s', 'time lag', 'health'], rows));
  lines.push(`drain at current rate: ${secs(view.timeToDrainSeconds)}`);
  lines.push(`decision: ${decisionLine(cycle.scaling?.decision)}`);
  if (lastChange !== undefined) lines.push(`last scale: ${decisionLine(lastChange)}`);
  return lines;
}

/**
 * Redraws a block in place on a terminal; elsewhere (CI, a pipe) prints one summary line every
 * `plainEveryMs` so logs stay readable.
 */
export class LiveView {
  private drawn = 0;
  private lastPlainMs = -Infinity;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly plainEveryMs = 5_000,
  ) {}

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  draw(lines: string[], plainLine: string, nowMs: number): void {
    if (this.interactive) {
      const width = this.out.columns ?? 120;
      const clipped = lines.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
      this.out.write(`${this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : ''}${clipped.join('\n')}\n`);
      this.drawn = clipped.length;
    } else if (nowMs - this.lastPlainMs >= this.plainEveryMs) {
      this.out.write(`${plainLine}\n`);
      this.lastPlainMs = nowMs;
    }
  }

  /** Text printed below the block without it being redrawn over. */
  print(line: string): void {
    this.out.write(`${line}\n`);
    this.drawn = 0;
  }
}
