// One run of a scenario, start to end, read straight through: start the stack → drive each stage
// with vegeta (the warm-up apart) → measure what the scenario is about → check thresholds →
// report. Only the edges do I/O; the figures come from pure functions.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { batchBody, ingestPath } from '../scenarios/batch-body.ts';
import { scenarios, type ScenarioName, type ScenarioParams, type Stage } from '../scenarios/scenarios.ts';
import { checkThresholds, type ThresholdMetric, type ThresholdResult } from '../scenarios/thresholds.ts';
import { ensureVegeta } from '../vegeta/vegeta-install.ts';
import { runBaselines, type BaselineFigures } from './baselines.ts';
import { burstFigures, type BurstFigures } from './burst-figures.ts';
import { LoadRecorder, type SecondFigures, type StageFigures } from './load-recorder.ts';
import { MonitorWatch, type MonitorSample } from './monitor-watch.ts';
import { e2eLatency, type E2eFigures } from './pipeline/e2e-latency.ts';
import { readTopicStamps } from './pipeline/topic-stamps.ts';
import type { ProgressLine } from './progress-line.ts';
import { repoRoot } from './stack/app-process.ts';
import { startStack, type LoadStack } from './stack/load-stack.ts';
import { attack, writeTargets } from './vegeta-attack.ts';
import { processCpuMs } from './process-cpu.ts';
import { LoadError } from './load-errors.ts';
import { fetchPartitionOffsets } from '@lagscale/kafka-core';

export interface RunOptions {
  /** Run ingest-find-max's baselines (producer-gen direct, Java ProducerPerformance) after the steps. */
  baselines: boolean;
  baselineRecords: number;
  /** Per request timeout and most requests in flight. */
  requestTimeoutMs: number;
  maxWorkers: number;
  readyTimeoutMs: number;
  keepTopics: boolean;
  /** Where app logs go; default `<repo>/reports/load/<scenario>-<run id>`. */
  logDir?: string;
  log: (line: string) => void;
  /** Draw the live progress line (on a terminal it redraws in place). */
  progress: ProgressLine | undefined;
  /** Ctrl-C: ends the stage at once, then stops what the run started. */
  signal?: AbortSignal;
}

export interface FindMaxFigures {
  /** The last step whose thresholds all held; undefined when the first step already broke. */
  held: StageFigures | undefined;
  /** The first step that broke, with the thresholds it broke. */
  broke: { step: StageFigures; failed: string[] } | undefined;
}

/** Everything one run measured; written as JSON, summarised as a markdown row. */
export interface RunResult {
  scenario: ScenarioName;
  runId: string;
  startedAt: string;
  durationMs: number;
  params: ScenarioParams;
  topic: string;
  stages: StageFigures[];
  /** All stages after the warm-up, as one. */
  measured: StageFigures | undefined;
  seconds: SecondFigures[];
  monitor: MonitorSample[];
  findMax: FindMaxFigures | undefined;
  baselines: BaselineFigures[] | undefined;
  e2e: E2eFigures | undefined;
  burst: BurstFigures | undefined;
  /** The figures thresholds are checked against. */
  figures: Partial<Record<ThresholdMetric, number>>;
  thresholds: ThresholdResult[];
  passed: boolean;
  vegeta: { version: string; built: boolean; elapsedMs: number };
}

/**
 * Distinct bodies the ingest scenarios cycle through. Generating a body while the stage runs
 * (JSON, base64, vegeta's lazy decoding) cost this side about as much CPU per record as the
 * ingest spends, on the same cores; a user's vegeta reads a file of targets made beforehand, and
 * so does the runner where no record is paired with its output.
 */
const TARGET_POOL = 200;

const STEP_METRICS: readonly ThresholdMetric[] = ['p95_ms', 'p99_ms', 'error_rate', 'dropped_rate'];

/** The request figures a threshold can name. */
function requestFigures(stage: StageFigures | undefined): Partial<Record<ThresholdMetric, number>> {
  if (stage === undefined) return {};
  return { p95_ms: stage.latency.p95Ms, p99_ms: stage.latency.p99Ms, error_rate: stage.errorRate, dropped_rate: stage.droppedRate };
}

/** Approximate encoded size of one record value (what the Java baseline sends per record). */
function recordValueBytes(params: ScenarioParams): number {
  const body = batchBody('p', 0, { ...params.shape, batchSize: 1 }, Date.now());
  const value = /"value":(\{.*\}),"headers"/.exec(body)?.[1] ?? '';
  return Math.max(1, Buffer.byteLength(value));
}

export async function runScenario(name: ScenarioName, params: ScenarioParams, options: RunOptions): Promise<RunResult> {
  const definition = scenarios[name];
  const stages = definition.stages(params);
  const runId = new Date().toISOString().replace(/\D/g, '').slice(2, 14) + Math.random().toString(36).slice(2, 5);
  const logDir = options.logDir ?? join(repoRoot, 'reports', 'load', `${name}-${runId}`);
  await mkdir(logDir, { recursive: true });
  const { log } = options;

  const vegeta = await ensureVegeta({ log: (line) => log(`vegeta build: ${line}`) });
  if (vegeta.built) log(`built vegeta ${vegeta.version} in ${(vegeta.elapsedMs / 1000).toFixed(1)} s (cached in .vegeta/)`);

  const stack = await startStack(definition, params, { runId, logDir, log, readyTimeoutMs: options.readyTimeoutMs, keepTopics: options.keepTopics });
  try {
    return await drive(stack);
  } finally {
    options.progress?.done();
    log('stopping what the run started ...');
    await stack.stop();
  }

  async function drive(stack: LoadStack): Promise<RunResult> {
    const producerId = `load-${runId}`;
    let nextSeq = 0;
    const nextBody = () => {
      const body = batchBody(producerId, nextSeq, params.shape, Date.now());
      nextSeq += params.shape.batchSize;
      return body;
    };
    const url = `${stack.ingestUrl}${ingestPath(stack.topic)}`;
    const headers = { 'Content-Type': 'application/json' };
    // the pipeline scenarios stream fresh bodies: pipeline-e2e pairs every output with its input by sequence
    let bodies: { next(): string } | { file: string } = { next: nextBody };
    if (!definition.needs.consumers) {
      const file = join(logDir, 'targets.json');
      await writeTargets(file, { url, headers, count: TARGET_POOL, nextBody });
      bodies = { file };
    }
    const startedAtMs = Date.now();
    const recorder = new LoadRecorder(startedAtMs, params.shape.batchSize);
    const watch = stack.monitorUrl !== undefined && stack.groupId !== undefined ? new MonitorWatch(stack.monitorUrl, stack.groupId, startedAtMs) : undefined;
    watch?.start();

    if (definition.needs.scaling) {
      log('waiting for lag-monitor to start the first consumer-worker replica ...');
      const deadline = Date.now() + options.readyTimeoutMs;
      while ((watch?.latest()?.members ?? 0) < 1) {
        if (options.signal?.aborted === true) throw new LoadError('INTERRUPTED', 'interrupted before the load started');
        if (Date.now() > deadline) throw new LoadError('TIMEOUT', `no consumer-worker replica joined the group within ${options.readyTimeoutMs} ms (logs: ${logDir})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }

    const stageTimes: Array<{ stage: Stage; startS: number; endS: number }> = [];
    let findMax: FindMaxFigures | undefined;
    if (name === 'ingest-find-max') findMax = { held: undefined, broke: undefined };
    for (const [index, stage] of stages.entries()) {
      const stageStart = Date.now();
      recorder.beginStage(stage, stageStart);
      const cpuAtStart = processCpuMs(stack.ingestPid);
      const abort = new AbortController();
      const ticker = setInterval(() => {
        const elapsedMs = Date.now() - stageStart;
        options.progress?.update({ scenario: name, stage, index, stages: stages.length, elapsedMs, figures: recorder.currentStage(), monitor: watch?.latest(), batchSize: params.shape.batchSize });
        // burst: the recovery runs until the backlog is drained, not its whole length
        if (stage.phase === 'recovery' && elapsedMs > 2_000) {
          const latest = watch?.latest();
          if (latest !== undefined && latest.t > (stageStart - startedAtMs) / 1000 && latest.totalLag <= stage.rate * params.shape.batchSize) abort.abort();
        }
      }, 1_000);
      try {
        await attack({
          vegeta: vegeta.binary,
          label: `${name}-${index}`,
          url,
          headers,
          rate: stage.rate,
          durationMs: stage.durationMs,
          timeoutMs: options.requestTimeoutMs,
          maxWorkers: options.maxWorkers,
          bodies,
          onHit: (hit) => recorder.record(hit),
          signal: options.signal === undefined ? abort.signal : AbortSignal.any([abort.signal, options.signal]),
        });
      } finally {
        clearInterval(ticker);
      }
      if (options.signal?.aborted === true) throw new LoadError('INTERRUPTED', 'interrupted: the run was stopped before its end, nothing was reported');
      const endMs = Date.now();
      const cpuAtEnd = processCpuMs(stack.ingestPid);
      recorder.noteIngestCpu(cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart);
      recorder.endStage(endMs);
      stageTimes.push({ stage, startS: (stageStart - startedAtMs) / 1000, endS: (endMs - startedAtMs) / 1000 });
      if (abort.signal.aborted) recorder.endStageEarly(endMs - stageStart);
      const figures = recorder.stageFigures().at(-1);
      if (figures !== undefined) {
        options.progress?.clear();
        log(`${stageTitle(stage)}: ${describeStage(figures, params.shape.batchSize)}`);
      }
      if (findMax !== undefined && figures !== undefined && stage.phase === 'step') {
        const failed = checkThresholds(params.thresholds.filter((t) => STEP_METRICS.includes(t.metric)), requestFigures(figures)).filter((r) => !r.ok);
        if (failed.length > 0) {
          findMax.broke = { step: figures, failed: failed.map((r) => `${r.threshold.metric}${r.threshold.op}${r.threshold.value} (was ${formatFigure(r.actual)})`) };
          log(`step ${stage.label} broke ${findMax.broke.failed.join(', ')}: stopping`);
          break;
        }
        findMax.held = figures;
      }
    }

    let e2e: E2eFigures | undefined;
    if (name === 'pipeline-e2e' && stack.outputTopic !== undefined) {
      const measuredFromS = stageTimes.find((s) => s.stage.phase !== 'warmup')?.startS ?? 0;
      e2e = await measureE2e(stack, producerId, nextSeq, startedAtMs, startedAtMs + measuredFromS * 1000);
    }
    let burst: BurstFigures | undefined;
    if (name === 'burst') {
      const spike = stageTimes.find((s) => s.stage.phase === 'spike');
      burst = burstFigures({
        samples: watch?.samples ?? [],
        spikeStartS: spike?.startS ?? 0,
        spikeEndS: spike?.endS ?? 0,
        peakRecordsPerSecond: params.peakRate * params.shape.batchSize,
        throughputPerReplica: params.throughputPerReplica,
        maxReplicas: params.maxReplicas,
        partitions: params.partitions,
        drainedLag: params.rate * params.shape.batchSize,
      });
    }
    await watch?.stop();

    let baselines: BaselineFigures[] | undefined;
    if (name === 'ingest-find-max' && options.baselines) {
      baselines = await runBaselines(
        { admin: stack.admin, brokers: stack.brokers, partitions: params.partitions, acks: params.acks, records: options.baselineRecords, recordBytes: recordValueBytes(params), runId, timeoutMs: 300_000 },
        log,
      );
    }

    const measured = recorder.measuredFigures();
    const figures: Partial<Record<ThresholdMetric, number>> = name === 'ingest-find-max' ? requestFigures(findMax?.held ?? findMax?.broke?.step) : requestFigures(measured);
    if (findMax !== undefined) figures.held_records_per_s = findMax.held?.recordsPerSecond ?? 0;
    if (e2e !== undefined) {
      Object.assign(figures, { e2e_p50_ms: e2e.latency.p50Ms, e2e_p95_ms: e2e.latency.p95Ms, e2e_p99_ms: e2e.latency.p99Ms, e2e_missing: e2e.missing });
      if (e2e.paired === 0) for (const metric of ['e2e_p50_ms', 'e2e_p95_ms', 'e2e_p99_ms'] as const) delete figures[metric];
    }
    if (burst !== undefined) {
      if (burst.timeToScaleS !== undefined) figures.time_to_scale_s = burst.timeToScaleS;
      if (burst.timeToDrainS !== undefined) figures.time_to_drain_s = burst.timeToDrainS;
    }
    const thresholds = checkThresholds(params.thresholds, figures);
    return {
      scenario: name,
      runId,
      startedAt: new Date(startedAtMs).toISOString(),
      durationMs: Date.now() - startedAtMs,
      params,
      topic: stack.topic,
      stages: recorder.stageFigures(),
      measured,
      seconds: recorder.secondFigures(),
      monitor: watch?.samples ?? [],
      findMax,
      baselines,
      e2e,
      burst,
      figures,
      thresholds,
      passed: thresholds.every((r) => r.ok),
      vegeta: { version: vegeta.version, built: vegeta.built, elapsedMs: vegeta.elapsedMs },
    };
  }

  async function measureE2e(stack: LoadStack, producerId: string, seqLimit: number, runStartMs: number, measuredFromMs: number): Promise<E2eFigures> {
    const output = stack.outputTopic as string;
    const total = async (topic: string) => (await fetchPartitionOffsets(stack.admin, topic)).reduce((sum, p) => sum + p.end - p.start, 0);
    const inputs = await total(stack.topic);
    log(`waiting for consumer-worker to pass ${inputs.toLocaleString('en-US')} records on to ${output} ...`);
    // bounded: outputs stop growing when the consumers are stuck, and the report then counts what is missing
    const deadline = Date.now() + 120_000;
    while ((await total(output)) < inputs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    log('reading input and output timestamps ...');
    const inputStamps = await readTopicStamps(stack.kafka, stack.admin, stack.topic, producerId, seqLimit, 120_000);
    const outputStamps = await readTopicStamps(stack.kafka, stack.admin, output, producerId, seqLimit, 120_000);
    return e2eLatency(inputStamps.timestamps, outputStamps.timestamps, { runStartMs, measuredFromMs, duplicates: outputStamps.duplicates });
  }
}

function stageTitle(stage: Stage): string {
  if (stage.phase === 'warmup') return 'warm-up (not counted)';
  if (stage.phase === 'settle') return `${stage.label} (not counted)`;
  return stage.label;
}

export function formatFigure(value: number | undefined): string {
  if (value === undefined) return 'not measured';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value < 1 ? value.toPrecision(2) : value.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function describeStage(s: StageFigures, batchSize: number): string {
  const errors = s.errors === 0 ? 'no errors' : `${s.errors} errors (${Object.entries(s.errorKinds).map(([k, n]) => `${k} ×${n}`).join(', ')})`;
  const dropped = s.droppedRate > 0 ? `, ${(s.droppedRate * 100).toFixed(1)}% dropped` : '';
  const cpu =
    s.ingestCpuMs === undefined || s.ingestCpuUsPerRecord === undefined || s.durationMs <= 0
      ? ''
      : `; ingest CPU ${s.ingestCpuUsPerRecord.toFixed(1)} µs/record (${Math.round((s.ingestCpuMs / s.durationMs) * 100)}% of a core)`;
  return `${s.sent.toLocaleString('en-US')} requests × ${batchSize} → ${Math.round(s.recordsPerSecond).toLocaleString('en-US')} records/s acked; p50 ${s.latency.p50Ms.toFixed(1)} ms, p95 ${s.latency.p95Ms.toFixed(1)} ms, p99 ${s.latency.p99Ms.toFixed(1)} ms; ${errors}${dropped}${cpu}`;
}
