// The live line while a stage runs: on a terminal it redraws in place every second, elsewhere
// (CI logs) a line every few seconds.
import type { Stage } from '../scenarios/scenarios.ts';
import type { StageFigures } from './load-recorder.ts';
import type { MonitorSample } from './monitor-watch.ts';

export interface ProgressState {
  scenario: string;
  stage: Stage;
  index: number;
  stages: number;
  elapsedMs: number;
  figures: StageFigures | undefined;
  monitor: MonitorSample | undefined;
  batchSize: number;
}

/** One line, e.g. `ingest-constant 2/2 300 req/s  12/30 s  29,900 rec/s  p95 21.3 ms  errors 0`. */
export function formatProgress(state: ProgressState): string {
  const { stage, figures } = state;
  const elapsedS = Math.min(stage.durationMs, state.elapsedMs) / 1000;
  const parts = [
    `${state.scenario} ${state.index + 1}/${state.stages} ${stage.phase === 'warmup' ? 'warm-up' : stage.label}`,
    `${elapsedS.toFixed(0)}/${(stage.durationMs / 1000).toFixed(0)} s`,
  ];
  if (figures !== undefined && state.elapsedMs > 0) {
    parts.push(`${Math.round((figures.ok * state.batchSize * 1000) / state.elapsedMs).toLocaleString('en-US')} rec/s acked`);
    parts.push(`p95 ${figures.latency.p95Ms.toFixed(1)} ms`);
    parts.push(`errors ${figures.errors}`);
  }
  if (state.monitor !== undefined) {
    const replicas = state.monitor.desired === undefined ? `${state.monitor.members} consumers` : `replicas ${state.monitor.members}→${state.monitor.desired}`;
    parts.push(`lag ${state.monitor.totalLag.toLocaleString('en-US')}`, replicas);
  }
  return parts.join('  ');
}

export class ProgressLine {
  private drawn = false;
  private lastPrintMs = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 5_000,
  ) {}

  update(state: ProgressState): void {
    const line = formatProgress(state);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line.slice(0, (this.stream.columns ?? 120) - 1)}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPrintMs >= this.plainEveryMs) {
      this.lastPrintMs = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** Clears the line so a log line can be printed. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  done(): void {
    this.clear();
  }
}
