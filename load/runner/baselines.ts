// The baselines ingest-find-max is compared with, run on the same broker right after it:
// producer-gen's own producer straight to Kafka (`producer-gen run`, user-events like the
// ingest's records) and Kafka's Java ProducerPerformance, both with the ingest's acks.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { ensureTopic } from '@lagscale/kafka-core';
import { LoadError } from './load-errors.ts';
import { appCommand, repoRoot } from './stack/app-process.ts';

export interface BaselineFigures {
  name: string;
  records: number;
  recordsPerSecond: number;
  meanLatencyMs: number;
  maxLatencyMs: number;
}

export interface BaselineOptions {
  admin: Admin;
  brokers: string[];
  partitions: number;
  acks: 'all' | '1';
  records: number;
  /** Bytes per Java record: the ingest's records' encoded value size. */
  recordBytes: number;
  runId: string;
  timeoutMs: number;
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'warn' } }, (error, stdout, stderr) => {
      if (error) reject(new LoadError('APP_FAILED', `${args.find((a) => a.includes('ProducerPerformance')) ?? 'producer-gen run'} failed: ${error.message}\n${stderr.slice(-1500)}`));
      else resolve(stdout);
    });
  });
}

async function producerGenDirect(options: BaselineOptions, topic: string): Promise<BaselineFigures> {
  const { command, args } = appCommand('producer-gen');
  const stdout = await run(
    command,
    [
      ...args,
      'run', '--json', '--brokers', options.brokers.join(','), '--topic', topic,
      '--workload', 'user-events', '--rate', 'max', '--count', String(options.records),
      '--acks', options.acks === 'all' ? 'all' : '1', '--metrics-port', '0', '--log-level', 'warn',
    ],
    options.timeoutMs,
  );
  const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { acked: number; ackedPerSec: number; meanLatencyMs: number; maxLatencyMs: number };
  return { name: 'producer-gen run (direct to Kafka)', records: summary.acked, recordsPerSecond: summary.ackedPerSec, meanLatencyMs: summary.meanLatencyMs, maxLatencyMs: summary.maxLatencyMs };
}

// "1000000 records sent, 431034.5 records/sec (41.11 MB/sec), 257.42 ms avg latency, 600.00 ms max latency, ..."
const JAVA_SUMMARY = /(\d+) records sent, ([\d.]+) records\/sec \([\d.]+ MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency/;

async function javaProducerPerformance(options: BaselineOptions, topic: string): Promise<BaselineFigures> {
  const stdout = await run(
    'java',
    [
      '-Xmx512m', '-cp', join(repoRoot, '.kafka', 'libs', '*'), 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', topic, '--num-records', String(options.records), '--record-size', String(options.recordBytes),
      '--throughput', '-1', '--producer-props', `bootstrap.servers=${options.brokers.join(',')}`, `acks=${options.acks === 'all' ? 'all' : '1'}`,
    ],
    options.timeoutMs,
  );
  const line = stdout.trim().split('\n').findLast((l) => l.includes('records sent'));
  const match = line === undefined ? null : JAVA_SUMMARY.exec(line);
  if (match === null) throw new LoadError('APP_FAILED', `could not read ProducerPerformance's summary:\n${stdout.slice(-800)}`);
  return { name: "Kafka's ProducerPerformance (Java)", records: Number(match[1]), recordsPerSecond: Number(match[2]), meanLatencyMs: Number(match[3]), maxLatencyMs: Number(match[4]) };
}

/** Runs both baselines, each on a fresh topic of the same partition count; deletes the topics after. */
export async function runBaselines(options: BaselineOptions, log: (line: string) => void): Promise<BaselineFigures[]> {
  const topics = { ours: `load.baseline-producer-gen.${options.runId}`, java: `load.baseline-java.${options.runId}` };
  try {
    for (const topic of Object.values(topics)) await ensureTopic(options.admin, { topic, partitions: options.partitions });
    log(`baseline: producer-gen run, ${options.records.toLocaleString('en-US')} records, acks=${options.acks} ...`);
    const ours = await producerGenDirect(options, topics.ours);
    log(`baseline: Kafka's ProducerPerformance, ${options.records.toLocaleString('en-US')} × ${options.recordBytes} B, acks=${options.acks} ...`);
    const java = await javaProducerPerformance(options, topics.java);
    return [ours, java];
  } finally {
    await options.admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  }
}
