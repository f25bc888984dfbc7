#!/usr/bin/env node
// `npm run load -- <scenario> [--rate … --duration …]`: starts what the scenario needs (embedded
// broker, producer-gen's ingest, consumer-worker, lag-monitor), drives it with vegeta, prints a
// summary, writes JSON + a markdown row + charts to load/results, and exits 1 naming every
// threshold that failed (2 for bad options or a stack that would not start).
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../../scenarios/duration.ts';
import { isScenarioName, SCENARIO_NAMES, scenarios, type ScenarioName, type ScenarioParams } from '../../scenarios/scenarios.ts';
import { formatThreshold, mergeThresholds, parseThreshold, THRESHOLD_METRICS, type Threshold } from '../../scenarios/thresholds.ts';
import { formatFigure, runScenario } from '../run-scenario.ts';
import { ProgressLine } from '../progress-line.ts';
import { formatSummary, writeRunReport } from '../report/load-report.ts';
import { repoRoot } from '../stack/app-process.ts';

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`must be a positive number (got "${value}")`);
  return parsed;
}

function positiveInt(value: string): number {
  const parsed = positiveNumber(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError(`must be a positive integer (got "${value}")`);
  return parsed;
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function threshold(value: string, previous: Threshold[] = []): Threshold[] {
  try {
    return [...previous, parseThreshold(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

interface CliOptions {
  rate?: number;
  duration?: number;
  warmup?: number;
  settle?: number;
  batch?: number;
  keys?: number;
  partitions?: number;
  stepRate?: number;
  maxRate?: number;
  peakRate?: number;
  spike?: number;
  recovery?: number;
  threads?: number;
  maxReplicas?: number;
  throughputPerReplica?: number;
  acks?: 'all' | '1';
  threshold?: Threshold[];
  baselines: boolean;
  baselineRecords: number;
  resultsDir: string;
  timeout: number;
  maxWorkers: number;
  readyTimeout: number;
  keepTopics?: boolean;
}

/** The definition's defaults with the flags given. */
export function paramsFrom(name: ScenarioName, o: CliOptions): ScenarioParams {
  const d = scenarios[name].defaults;
  return {
    ...d,
    rate: o.rate ?? d.rate,
    durationMs: o.duration ?? d.durationMs,
    warmupMs: o.warmup ?? d.warmupMs,
    settleMs: o.settle ?? d.settleMs,
    shape: { ...d.shape, batchSize: o.batch ?? d.shape.batchSize, keys: o.keys ?? d.shape.keys },
    partitions: o.partitions ?? d.partitions,
    stepRate: o.stepRate ?? d.stepRate,
    maxRate: o.maxRate ?? d.maxRate,
    peakRate: o.peakRate ?? d.peakRate,
    spikeMs: o.spike ?? d.spikeMs,
    recoveryMs: o.recovery ?? d.recoveryMs,
    consumerThreads: o.threads ?? d.consumerThreads,
    maxReplicas: o.maxReplicas ?? d.maxReplicas,
    throughputPerReplica: o.throughputPerReplica ?? d.throughputPerReplica,
    acks: o.acks ?? d.acks,
    thresholds: mergeThresholds(d.thresholds, o.threshold ?? []),
  };
}

const scenarioList = SCENARIO_NAMES.map((name) => `  ${name.padEnd(16)} ${scenarios[name].summary}`).join('\n');
const metricList = Object.entries(THRESHOLD_METRICS)
  .map(([metric, meaning]) => `  ${metric.padEnd(19)} ${meaning}`)
  .join('\n');

const program = new Command('load')
  .description('Run a load scenario against producer-gen\'s ingest (and the pipeline behind it) with vegeta')
  .argument('<scenario>', `one of: ${SCENARIO_NAMES.join(', ')}`)
  .option('--rate <req/s>', 'requests per second (find-max: first step; burst: base rate)', positiveNumber)
  .option('--duration <time>', 'main phase (find-max: each step; burst: base before the spike), e.g. 30s', duration)
  .option('--warmup <time>', 'warm-up before the measured phase, reported apart (0 for none)', (v) => (v === '0' ? 0 : duration(v)))
  .option('--settle <time>', 'ingest-find-max: each step\'s rate runs this long before the step is measured, reported apart (0 for none)', (v) => (v === '0' ? 0 : duration(v)))
  .option('--batch <records>', 'records per request', positiveInt)
  .option('--keys <n>', 'distinct record keys', positiveInt)
  .option('--partitions <n>', 'partitions of the run\'s topic', positiveInt)
  .option('--step-rate <req/s>', 'ingest-find-max: rate added per step', positiveNumber)
  .option('--max-rate <req/s>', 'ingest-find-max: last step', positiveNumber)
  .option('--peak-rate <req/s>', 'burst: the spike\'s rate', positiveNumber)
  .option('--spike <time>', 'burst: the spike\'s length', duration)
  .option('--recovery <time>', 'burst: longest base-rate phase after the spike (ends when drained)', duration)
  .option('--threads <n>', 'consumer-worker threads per replica', positiveInt)
  .option('--max-replicas <n>', 'burst: most consumer-worker replicas', positiveInt)
  .option('--throughput-per-replica <records/s>', 'burst: what one replica drains with the handler', positiveNumber)
  .addOption(new Option('--acks <acks>', 'acknowledgement the ingest waits for').choices(['all', '1']))
  .option('--threshold <metric<value>', 'add or replace a threshold, e.g. "p95_ms<50" (repeatable)', threshold)
  .option('--no-baselines', 'ingest-find-max: skip producer-gen direct and Java ProducerPerformance')
  .option('--baseline-records <n>', 'ingest-find-max: records each baseline sends', positiveInt, 1_000_000)
  .option('--results-dir <dir>', 'where JSON, markdown and charts go', join(repoRoot, 'load', 'results'))
  .option('--timeout <time>', 'per request: no answer within this is an error', duration, 10_000)
  .option('--max-workers <n>', 'most requests in flight', positiveInt, 2_000)
  .option('--ready-timeout <time>', 'how long each app may take to start', duration, 90_000)
  .option('--keep-topics', 'keep the run\'s topics afterwards')
  .addHelpText('after', `\nScenarios:\n${scenarioList}\n\nThreshold metrics:\n${metricList}\n\nSet KAFKA_BROKERS to run against your own cluster; otherwise the embedded broker is started (KAFKA_PORT).`)
  .showHelpAfterError()
  .exitOverride()
  .action(async (name: string, options: CliOptions) => {
    if (!isScenarioName(name)) {
      console.error(`error: unknown scenario "${name}"; choose one of ${SCENARIO_NAMES.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const params = paramsFrom(name, options);
    const progress = new ProgressLine();
    const log = (line: string) => {
      progress.clear();
      console.log(line);
    };
    const interrupt = new AbortController();
    const onSignal = () => {
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort();
      log('\ninterrupted: stopping vegeta and what the run started (Ctrl-C again to force)');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const stages = scenarios[name].stages(params);
    const describe = (s: (typeof stages)[number]) => `${s.phase === 'warmup' ? 'warm-up' : s.label} for ${(s.durationMs / 1000).toFixed(0)} s`;
    const steps = stages.filter((s) => s.phase === 'step');
    const plan =
      steps.length > 3
        ? [...stages.filter((s) => s.phase === 'warmup').map(describe), `steps of ${params.settleMs > 0 ? `${(params.settleMs / 1000).toFixed(0)} s settle + ` : ''}${(params.durationMs / 1000).toFixed(0)} s from ${steps[0]?.rate} to ${steps.at(-1)?.rate} req/s by ${params.stepRate}`]
        : stages.map(describe);
    log(`${name}: ${plan.join(', ')}; batches of ${params.shape.batchSize}; thresholds ${params.thresholds.map(formatThreshold).join(', ') || 'none'}`);
    const result = await runScenario(name, params, {
      baselines: options.baselines,
      baselineRecords: options.baselineRecords,
      requestTimeoutMs: options.timeout,
      maxWorkers: options.maxWorkers,
      readyTimeoutMs: options.readyTimeout,
      keepTopics: options.keepTopics === true,
      log,
      progress,
      signal: interrupt.signal,
    });
    const written = await writeRunReport(result, options.resultsDir);
    console.log(formatSummary(result));
    console.log(`\nresults: ${written.markdownPath}\n         ${written.jsonPath}\ncharts:  ${written.charts.throughput}\n         ${written.charts.latency}`);
    const failed = result.thresholds.filter((r) => !r.ok);
    for (const r of failed) console.error(`threshold failed: ${formatThreshold(r.threshold)} (was ${formatFigure(r.actual)})`);
    process.exitCode = failed.length === 0 ? 0 : 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // commander printed its own message (bad option, or --help with exit code 0)
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const code = (err as { code?: string }).code;
  if (code === 'INTERRUPTED') process.exit(130);
  console.error(`error${code === undefined ? '' : ` [${code}]`}: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
