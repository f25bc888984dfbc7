// One stage of load: `vegeta attack` at a constant rate, its targets either streamed lazily on
// stdin (each a fresh batch body) or read from a file of targets it cycles through, its results
// decoded by `vegeta encode --to json` and handed over one by one as they arrive.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { LoadError } from './load-errors.ts';

/** One request as vegeta saw it. */
export interface Hit {
  /** When the request was sent, epoch ms. */
  startMs: number;
  latencyMs: number;
  /** HTTP status; 0 when no response came (timeout, refused connection). */
  code: number;
  /** vegeta's error text ("" when the request got a 2xx). */
  error: string;
  /** The start of the response body, for error answers. */
  body: string;
}

export interface AttackOptions {
  vegeta: string;
  /** Attack name, shown in errors. */
  label: string;
  url: string;
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Per request: no answer within this counts as an error (code 0). */
  timeoutMs: number;
  /** Most requests in flight; past it vegeta falls behind its schedule (counted as dropped). */
  maxWorkers: number;
  /**
   * Where the bodies come from: `next` is called once per request vegeta reads (every body
   * distinct, generated while the stage runs); `file` is a targets file written beforehand by
   * `writeTargets`, which vegeta cycles through (no work per request on this side).
   */
  bodies: { next(): string } | { file: string };
  onHit(hit: Hit): void;
  /** Ends the stage early (vegeta stops on SIGINT and still reports what it sent). */
  signal?: AbortSignal;
}

interface EncodedResult {
  code: number;
  timestamp: string;
  latency: number;
  error: string;
  body: string | null;
}

function collectStderr(child: ChildProcessWithoutNullStreams): () => string {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return () => stderr.trim();
}

function exited(child: ChildProcessWithoutNullStreams, what: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new LoadError('TOOL_MISSING', `could not run ${what}: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new LoadError('APP_FAILED', `${what} exited with ${code ?? signal}: ${stderr() || 'no output'}`));
    });
  });
}

function targetLine(url: string, headers: Record<string, string>, body: string): string {
  const header = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  return `${JSON.stringify({ method: 'POST', url, header, body: Buffer.from(body).toString('base64') })}\n`;
}

/** Writes `count` targets, one body each, as vegeta's JSON targets: what `bodies: { file }` reads. */
export async function writeTargets(file: string, target: { url: string; headers: Record<string, string>; count: number; nextBody(): string }): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < target.count; i += 1) lines.push(targetLine(target.url, target.headers, target.nextBody()));
  await writeFile(file, lines.join(''));
}

/** Runs the stage to its end; resolves with the number of requests vegeta made. */
export async function attack(options: AttackOptions): Promise<number> {
  const { bodies } = options;
  const attackArgs = [
    'attack',
    ...('file' in bodies ? [`-targets=${bodies.file}`] : ['-lazy']),
    '-format=json',
    `-rate=${options.rate}/1s`,
    `-duration=${Math.round(options.durationMs)}ms`,
    `-timeout=${Math.round(options.timeoutMs)}ms`,
    `-max-workers=${options.maxWorkers}`,
    '-max-body=300',
    `-name=${options.label}`,
  ];
  const attacker = spawn(options.vegeta, attackArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  if ('file' in bodies) attacker.stdin.end();
  const encoder = spawn(options.vegeta, ['encode', '--to', 'json'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const attackDone = exited(attacker, 'vegeta attack', collectStderr(attacker));
  const encodeDone = exited(encoder, 'vegeta encode', collectStderr(encoder));
  attacker.stdout.pipe(encoder.stdin);
  const interrupt = () => attacker.kill('SIGINT');
  if (options.signal?.aborted === true) interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });

  // vegeta reads a target per request and stops reading when the stage ends: write while the
  // pipe takes more, and stop quietly when it closes.
  let closed = 'file' in bodies;
  attacker.stdin.on('error', () => {
    closed = true;
  });
  attacker.on('close', () => {
    closed = true;
  });
  const pump = (): void => {
    while (!closed && 'next' in bodies) {
      if (!attacker.stdin.write(targetLine(options.url, options.headers, bodies.next()))) {
        attacker.stdin.once('drain', pump);
        return;
      }
    }
  };
  pump();

  let hits = 0;
  const lines = createInterface({ input: encoder.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const result = JSON.parse(line) as EncodedResult;
    hits += 1;
    options.onHit({
      startMs: Date.parse(result.timestamp),
      latencyMs: result.latency / 1e6,
      code: result.code,
      error: result.error,
      body: result.body === null || result.body === '' ? '' : Buffer.from(result.body, 'base64').toString('utf8'),
    });
  }
  await Promise.all([attackDone, encodeDone]).finally(() => options.signal?.removeEventListener('abort', interrupt));
  return hits;
}
