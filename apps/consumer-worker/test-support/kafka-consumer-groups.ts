import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testBrokers } from '@lagscale/kafka-core/testing';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const batchSource = fileURLToPath(new URL('./KafkaToolBatch.java', import.meta.url));

export interface KafkaToolRun {
  code: number;
  output: string;
}

/**
 * Runs Kafka's own `kafka-consumer-groups` (the kafka-tools jar in `.kafka/libs`) once per
 * argument list, all in one JVM (KafkaToolBatch.java), against the test broker. Bounded: the
 * JVM is killed after `timeoutMs`.
 */
export async function runKafkaConsumerGroups(argLists: ReadonlyArray<readonly string[]>, timeoutMs = 120_000): Promise<KafkaToolRun[]> {
  const bootstrap = ['--bootstrap-server', testBrokers().join(',')];
  const child = spawn('java', ['-XX:TieredStopAtLevel=1', '-Xshare:auto', '-cp', `${repoRoot}.kafka/libs/*`, batchSource], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(argLists.map((args) => [...bootstrap, ...args].join('\t')).join('\n') + '\n');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const parts = stdout.split(/^@@end (-?\d+)$/m);
  const runs: KafkaToolRun[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) runs.push({ output: parts[i]!.trim(), code: Number(parts[i + 1]) });
  if (code !== 0 || runs.length !== argLists.length) {
    throw new Error(`kafka-consumer-groups batch exited ${code} after ${runs.length}/${argLists.length} runs:\n${stdout}\n${stderr}`);
  }
  return runs;
}
