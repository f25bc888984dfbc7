import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { produceSequenced, testBrokers, waitFor, type TestKafka } from '@lagscale/kafka-core/testing';
import { findFreePort } from '../../../tools/kafka/embedded-broker.js';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

export const defaultWorkerProcessOptions = { readyTimeoutMs: 60_000 } as const;

/** A consumer-worker CLI running as a child process, ready (joined its group) once returned. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  /** Resolves with the exit code (null when killed by a signal) once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stderr so far: a failed assertion shows what the worker said. */
  output(): string;
  /** Sends `signal` and waits (bounded) for the exit; SIGKILLs and throws past the bound. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsedMs: number }>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns `consumer-worker` with `flags` (names without `--`) against the test broker, on a port
 * of its own, and resolves once its /readyz says it joined the group.
 */
export async function startWorkerProcess(flags: Record<string, string | number>, options: { readyTimeoutMs?: number } = {}): Promise<WorkerProcess> {
  const port = await findFreePort();
  const args = Object.entries({ 'log-level': 'warn', 'progress-interval-ms': 0, ...flags, 'metrics-host': '127.0.0.1', 'metrics-port': port }).flatMap(([name, value]) => [
    `--${name}`,
    String(value),
  ]);
  const child = spawn(process.execPath, ['--conditions=lagscale-source', '--import', 'tsx', main, ...args], {
    env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let gone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      gone = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const metricsUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`consumer-worker exited before it was ready:\n${stderr}`);
        const res = await fetch(`${metricsUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
        return res.ok;
      },
      { timeoutMs: options.readyTimeoutMs ?? defaultWorkerProcessOptions.readyTimeoutMs, intervalMs: 100, description: 'consumer-worker /readyz' },
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${stderr}`, { cause: err });
  }
  return {
    child,
    metricsUrl,
    exited,
    output: () => stderr,
    async stop(signal, timeoutMs) {
      const startedAt = Date.now();
      if (!gone) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`consumer-worker did not exit within ${timeoutMs} ms of ${signal}\n${stderr}`));
        }, timeoutMs);
      });
      try {
        const result = await Promise.race([exited, timedOut]);
        return { ...result, elapsedMs: Date.now() - startedAt };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** SIGKILLs every worker process still running and waits for them: for afterEach/afterAll. */
export async function killWorkerProcesses(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Records in a topic (sum of end − start over its partitions). */
export async function topicRecordCount(t: TestKafka, topic: string): Promise<number> {
  const offsets = await t.admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

/**
 * The output topic a test hands the worker and the DLQ the worker derives from `topic` (its
 * default, `<topic>.dlq`), both adopted at once so they are deleted with the test's other topics
 * even when an assertion fails. Call it right after creating `topic`.
 */
export function workerTopics(t: TestKafka, topic: string): { outputTopic: string; dlqTopic: string } {
  const outputTopic = `${topic}.out`;
  const dlqTopic = `${topic}.dlq`;
  t.adopt(outputTopic, dlqTopic);
  return { outputTopic, dlqTopic };
}

export interface PassThroughScenario {
  topic: string;
  outputTopic: string;
  groupId: string;
  producerId: string;
  /** Flags of a worker that passes every record through to `outputTopic` (0–2 ms each). */
  flags: Record<string, string | number>;
}

/**
 * The setup the process-level suites share: a topic of `records` sequenced records (6 partitions,
 * 100 keys), a group, and the flags of a pass-through worker whose output the verifier reads.
 * The worker's output and DLQ topics are deleted with the test's other topics.
 */
export async function passThroughScenario(t: TestKafka, prefix: string, records: number, flags: Record<string, string | number>): Promise<PassThroughScenario> {
  const topic = await t.createTopic({ partitions: 6, prefix });
  const { outputTopic } = workerTopics(t, topic);
  const groupId = t.groupId(prefix);
  const producerId = await produceSequenced(t, topic, records, 100, prefix);
  return {
    topic,
    outputTopic,
    groupId,
    producerId,
    flags: { topic, 'group-id': groupId, 'output-topic': outputTopic, handler: 'io-wait', 'handler-options': 'waitMs=0,jitterMs=2', threads: 2, ...flags },
  };
}
