// What the runner keeps of the requests: per stage (warm-up apart) and per second of the run.
import { Samples, summarize, type LatencySummary } from './latency-summary.ts';
import type { Hit } from './vegeta-attack.ts';
import { isMeasured, type Stage } from '../scenarios/scenarios.ts';

/** Figures of one stage. */
export interface StageFigures {
  label: string;
  phase: Stage['phase'];
  /** Requests per second asked for. */
  rate: number;
  durationMs: number;
  /** Requests the schedule asked for, and those vegeta sent. */
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  /** Records in acknowledged (200) requests, per second of the stage. */
  recordsPerSecond: number;
  errorRate: number;
  droppedRate: number;
  latency: LatencySummary;
  /** When the stage ran, in seconds since the run started (the end is undefined while it runs). */
  startS: number;
  endS: number | undefined;
  /** The most frequent error answers, e.g. `503 KAFKA_UNAVAILABLE` or `timeout`. */
  errorKinds: Record<string, number>;
  /** CPU the ingest process used during the stage, and per acknowledged record (Linux only). */
  ingestCpuMs: number | undefined;
  ingestCpuUsPerRecord: number | undefined;
}

/** One second of the run (from its start): what was sent, acknowledged, and how fast. */
export interface SecondFigures {
  second: number;
  sent: number;
  /** Records acknowledged in requests that completed in this second. */
  ackedRecords: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

function errorKind(hit: Hit): string {
  if (hit.code === 0) return /timeout|deadline/i.test(hit.error) ? 'timeout' : hit.error.replace(/^.*: /, '').slice(0, 60) || 'no response';
  const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(hit.body)?.[1];
  return code === undefined ? String(hit.code) : `${hit.code} ${code}`;
}

interface StageState {
  stage: Stage;
  startMs: number;
  endMs: number | undefined;
  sent: number;
  ok: number;
  errors: number;
  samples: Samples;
  errorKinds: Map<string, number>;
  ingestCpuMs: number | undefined;
}

interface SecondState {
  sent: number;
  ackedRecords: number;
  errors: number;
  samples: number[];
}

export class LoadRecorder {
  private readonly stages: StageState[] = [];
  private readonly seconds: SecondState[] = [];
  private current: StageState | undefined;
  /** Every stage but the warm-up, as one. */
  private measured: StageState | undefined;

  constructor(
    /** Epoch ms the run's clock counts from. */
    readonly startedAtMs: number,
    private readonly batchSize: number,
  ) {}

  beginStage(stage: Stage, atMs = Date.now()): void {
    if (this.current !== undefined) this.current.endMs ??= atMs;
    this.current = { stage, startMs: atMs, endMs: undefined, sent: 0, ok: 0, errors: 0, samples: new Samples(), errorKinds: new Map(), ingestCpuMs: undefined };
    this.stages.push(this.current);
    if (!isMeasured(stage.phase)) return;
    if (this.measured === undefined) {
      this.measured = { stage: { ...stage, label: 'after warm-up' }, startMs: atMs, endMs: undefined, sent: 0, ok: 0, errors: 0, samples: new Samples(), errorKinds: new Map(), ingestCpuMs: undefined };
    } else {
      const m = this.measured.stage;
      // one stage as long as all of them, at their mean rate, so scheduled and records/s add up
      const durationMs = m.durationMs + stage.durationMs;
      this.measured.stage = { ...m, durationMs, rate: (m.rate * m.durationMs + stage.rate * stage.durationMs) / durationMs };
    }
  }

  /** The stage's end; the next beginStage() ends it too. */
  endStage(atMs = Date.now()): void {
    if (this.current !== undefined) this.current.endMs = atMs;
    if (this.measured !== undefined) this.measured.endMs = atMs;
  }

  /** CPU the ingest used during the current stage (undefined when it could not be read). */
  noteIngestCpu(cpuMs: number | undefined): void {
    const state = this.current;
    if (state === undefined || cpuMs === undefined) return;
    state.ingestCpuMs = cpuMs;
    if (isMeasured(state.stage.phase) && this.measured !== undefined) this.measured.ingestCpuMs = (this.measured.ingestCpuMs ?? 0) + cpuMs;
  }

  /** The stage ended early (burst's recovery, once drained): its rates count over the time it ran. */
  endStageEarly(actualMs: number): void {
    const state = this.current;
    if (state === undefined) return;
    const planned = state.stage.durationMs;
    state.stage = { ...state.stage, durationMs: actualMs };
    if (!isMeasured(state.stage.phase) || this.measured === undefined) return;
    const m = this.measured.stage;
    const durationMs = m.durationMs - planned + actualMs;
    this.measured.stage = { ...m, durationMs, rate: durationMs > 0 ? (m.rate * m.durationMs - state.stage.rate * (planned - actualMs)) / durationMs : 0 };
  }

  /** Every measured stage (not the warm-up, not a settle) as one: what the thresholds hold against. */
  measuredFigures(): StageFigures | undefined {
    return this.measured === undefined ? undefined : this.figures(this.measured);
  }

  record(hit: Hit): void {
    const state = this.current;
    if (state === undefined) throw new Error('record() before beginStage()');
    const ok = hit.code === 200;
    this.count(state, hit, ok);
    if (isMeasured(state.stage.phase) && this.measured !== undefined) this.count(this.measured, hit, ok);
    const sentSecond = this.second(Math.floor((hit.startMs - this.startedAtMs) / 1000));
    sentSecond.sent += 1;
    sentSecond.samples.push(hit.latencyMs);
    if (!ok) sentSecond.errors += 1;
    if (ok) this.second(Math.floor((hit.startMs + hit.latencyMs - this.startedAtMs) / 1000)).ackedRecords += this.batchSize;
  }

  private count(state: StageState, hit: Hit, ok: boolean): void {
    state.sent += 1;
    state.samples.add(hit.latencyMs);
    if (ok) state.ok += 1;
    else {
      state.errors += 1;
      const kind = errorKind(hit);
      state.errorKinds.set(kind, (state.errorKinds.get(kind) ?? 0) + 1);
    }
  }

  /** The stage being run: its requests so far, for the progress line. */
  currentStage(): StageFigures | undefined {
    return this.current === undefined ? undefined : this.figures(this.current);
  }

  stageFigures(): StageFigures[] {
    return this.stages.map((state) => this.figures(state));
  }

  secondFigures(): SecondFigures[] {
    return this.seconds.map((s, second) => {
      const latency = summarize(s?.samples ?? []);
      return {
        second,
        sent: s?.sent ?? 0,
        ackedRecords: s?.ackedRecords ?? 0,
        errors: s?.errors ?? 0,
        p50Ms: latency.p50Ms,
        p95Ms: latency.p95Ms,
        p99Ms: latency.p99Ms,
      };
    });
  }

  private second(index: number): SecondState {
    const at = Math.max(0, index);
    for (let i = this.seconds.length; i <= at; i += 1) this.seconds.push({ sent: 0, ackedRecords: 0, errors: 0, samples: [] });
    return this.seconds[at] as SecondState;
  }

  private figures(state: StageState): StageFigures {
    const { stage } = state;
    const scheduled = Math.round((stage.rate * stage.durationMs) / 1000);
    const kinds = [...state.errorKinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    return {
      label: stage.label,
      phase: stage.phase,
      rate: stage.rate,
      durationMs: stage.durationMs,
      scheduled,
      sent: state.sent,
      ok: state.ok,
      errors: state.errors,
      recordsPerSecond: stage.durationMs > 0 ? (state.ok * this.batchSize * 1000) / stage.durationMs : 0,
      errorRate: state.sent === 0 ? 0 : state.errors / state.sent,
      droppedRate: scheduled === 0 ? 0 : Math.max(0, scheduled - state.sent) / scheduled,
      latency: state.samples.summary(),
      startS: (state.startMs - this.startedAtMs) / 1000,
      endS: state.endMs === undefined ? undefined : (state.endMs - this.startedAtMs) / 1000,
      errorKinds: Object.fromEntries(kinds),
      ingestCpuMs: state.ingestCpuMs,
      ingestCpuUsPerRecord: state.ingestCpuMs === undefined || state.ok === 0 ? undefined : (state.ingestCpuMs * 1000) / (state.ok * this.batchSize),
    };
  }
}
