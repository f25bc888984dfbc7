import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variables read by kafka.sh and by these helpers. */
export const KAFKA_ENV = {
  brokers: 'KAFKA_BROKERS',
  port: 'KAFKA_PORT',
  controllerPort: 'KAFKA_CONTROLLER_PORT',
  dataDir: 'KAFKA_DATA_DIR',
  logDir: 'KAFKA_LOG_DIR',
  heap: 'KAFKA_HEAP',
  extraProperties: 'KAFKA_EXTRA_PROPERTIES',
  formatScram: 'KAFKA_FORMAT_SCRAM',
  waitTimeoutS: 'KAFKA_WAIT_TIMEOUT_S',
} as const;

export const defaultEmbeddedBroker = { host: '127.0.0.1', port: 19_092 } as const;

export const KAFKA_TOOL_ERROR_CODES = ['INVALID_OPTION', 'SCRIPT_FAILED', 'BROKER_UNREACHABLE'] as const;
export type KafkaToolErrorCode = (typeof KAFKA_TOOL_ERROR_CODES)[number];

/** Errors of the broker tooling; tools/ stands alone, so it does not use kafka-core's AppError. */
export class KafkaToolError extends Error {
  readonly code: KafkaToolErrorCode;
  readonly retriable: boolean;

  constructor(code: KafkaToolErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaToolError';
    this.code = code;
    this.retriable = options.retriable ?? code === 'BROKER_UNREACHABLE';
  }
}

export interface EmbeddedBrokerOptions {
  /** PLAINTEXT port on 127.0.0.1. Default: KAFKA_PORT, else 19092. */
  port?: number;
  /** Default: port + 1 for the default broker, a free port when `port` is given. */
  controllerPort?: number;
  /** Default: `<repo>/.kafka/data-<port>`. */
  dataDir?: string;
  /** Default: `<dataDir>/logs`. */
  logDir?: string;
  /** Broker properties that replace or extend the template (e.g. a SASL listener). */
  extraProperties?: Record<string, string>;
  /**
   * SCRAM users written into the cluster metadata when the data dir is first formatted, in
   * kafka-storage's `--add-scram` form: `SCRAM-SHA-256=[name=alice,password=alice-secret]`.
   * Ignored (with a log line) when the data dir already holds a formatted cluster.
   */
  scramCredentials?: string[];
  /** JVM heap flags, e.g. `-Xmx512m`. Default: `-Xmx768m`. */
  heap?: string;
  /** How long kafka.sh waits for readiness before it stops the broker and fails. Default: 60. */
  waitTimeoutS?: number;
  /** Delete the data dir when stop() stops the broker: for throwaway brokers on random ports. */
  deleteDataOnStop?: boolean;
  /** Receives kafka.sh's progress lines (stderr). Default: discarded. */
  log?: (line: string) => void;
}

export interface EmbeddedBroker {
  /** Bootstrap list for clients, e.g. `['127.0.0.1:19092']`. */
  brokers: string[];
  /** False when a broker already ran on the port: then stop() leaves it running. */
  startedByUs: boolean;
  /** Stops the broker if this call started it; safe to call many times (one shared promise). */
  stop(): Promise<void>;
}

const scriptPath = join(dirname(fileURLToPath(import.meta.url)), 'kafka.sh');

/** Bootstrap brokers: KAFKA_BROKERS (comma-separated) if set, else the embedded broker's address. */
export function resolveBrokers(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[KAFKA_ENV.brokers]?.trim();
  if (!raw) return [`${defaultEmbeddedBroker.host}:${portFromEnv(env) ?? defaultEmbeddedBroker.port}`];
  const brokers = raw.split(',').map((broker) => broker.trim()).filter((broker) => broker !== '');
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new KafkaToolError('INVALID_OPTION', `${KAFKA_ENV.brokers} must be a comma-separated list of host:port (got "${raw}")`);
    }
  }
  return brokers;
}

/** Downloads the broker jars once (cached in .kafka/libs by the pom's hash). */
export async function ensureKafkaInstalled(): Promise<void> {
  await runScript('install', process.env);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new KafkaToolError('SCRIPT_FAILED', 'could not read the port of a probe socket'));
      });
    });
  });
}

/**
 * `count` distinct free ports, none of them in `exclude`: findFreePort alone may hand back the
 * same port twice.
 */
export async function findFreePorts(count: number, exclude: Iterable<number> = []): Promise<number[]> {
  const excluded = new Set(exclude);
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = await findFreePort();
    if (!excluded.has(port)) ports.add(port);
  }
  return [...ports];
}

/** What a test needs to start (and restart) a broker of its own. */
export type ThrowawayBrokerOptions = EmbeddedBrokerOptions & Required<Pick<EmbeddedBrokerOptions, 'port' | 'controllerPort' | 'dataDir'>>;

/**
 * Options for a broker of a test's own: two distinct free ports, a fresh temp data dir and a
 * small heap, so the test can stop and restart it without disturbing the shared broker.
 */
export async function throwawayBrokerOptions(prefix: string): Promise<ThrowawayBrokerOptions> {
  const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const [port, controllerPort] = (await findFreePorts(2)) as [number, number];
  return { port, controllerPort, dataDir, heap: '-Xmx512m' };
}

/**
 * Starts a single-node KRaft broker on 127.0.0.1 (installing it first if needed) and resolves once
 * a client can fetch metadata. A broker already running on the port is reused, and then stop()
 * does nothing. Options win over the KAFKA_* environment; when `port` is given, the inherited
 * controller port, data dir, log dir, extra properties and SCRAM credentials are ignored, since
 * they belong to the default broker.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const env = await scriptEnv(opts);
  const port = Number(env[KAFKA_ENV.port]);
  const { stdout } = await runScript('start', env, opts.log);
  const startedByUs = stdout.trim() === 'started';

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!startedByUs) return Promise.resolve();
    stopping ??= runScript(opts.deleteDataOnStop ? 'reset' : 'stop', env, opts.log).then(() => undefined);
    return stopping;
  };
  return { brokers: [`${defaultEmbeddedBroker.host}:${port}`], startedByUs, stop };
}

/**
 * SIGKILLs the broker of `dataDir` (a crash, not a shutdown: no controlled leadership handover,
 * no flushed logs) and resolves once every thread of the process is gone, and with them its
 * sockets. Start it again with the same options.
 */
export async function killBroker(dataDir: string, timeoutMs = 10_000): Promise<void> {
  const pid = Number((await readFile(join(dataDir, 'kafka.pid'), 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new KafkaToolError('SCRIPT_FAILED', `no broker pid in ${dataDir}/kafka.pid`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) throw new KafkaToolError('SCRIPT_FAILED', `broker pid ${pid} still alive ${timeoutMs} ms after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Whether any thread of the process still runs. A zombie main thread is not enough to call the
 * broker gone: after SIGKILL the JVM's other threads exit one by one, and its sockets close only
 * when the last one has, which on a busy machine can be seconds later (a start in that window
 * found the port still taken).
 */
function isAlive(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tasks.some((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      return state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}

async function scriptEnv(opts: EmbeddedBrokerOptions): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.port !== undefined) {
    for (const name of [KAFKA_ENV.controllerPort, KAFKA_ENV.dataDir, KAFKA_ENV.logDir, KAFKA_ENV.extraProperties, KAFKA_ENV.formatScram]) {
      delete env[name];
    }
  }
  const port = opts.port ?? portFromEnv(env) ?? defaultEmbeddedBroker.port;
  assertPort('port', port);
  env[KAFKA_ENV.port] = String(port);

  let controllerPort = opts.controllerPort;
  // port + 1 may be taken when `port` itself came from findFreePort().
  if (controllerPort === undefined && opts.port !== undefined) [controllerPort] = await findFreePorts(1, [port]);
  if (controllerPort !== undefined) {
    assertPort('controllerPort', controllerPort);
    env[KAFKA_ENV.controllerPort] = String(controllerPort);
  }
  if (opts.dataDir !== undefined) env[KAFKA_ENV.dataDir] = opts.dataDir;
  if (opts.logDir !== undefined) env[KAFKA_ENV.logDir] = opts.logDir;
  if (opts.heap !== undefined) env[KAFKA_ENV.heap] = opts.heap;
  if (opts.waitTimeoutS !== undefined) {
    if (!Number.isInteger(opts.waitTimeoutS) || opts.waitTimeoutS < 0) {
      throw new KafkaToolError('INVALID_OPTION', `waitTimeoutS must be whole seconds (got ${opts.waitTimeoutS})`);
    }
    env[KAFKA_ENV.waitTimeoutS] = String(opts.waitTimeoutS);
  }
  if (opts.extraProperties !== undefined) env[KAFKA_ENV.extraProperties] = formatProperties(opts.extraProperties);
  if (opts.scramCredentials !== undefined) env[KAFKA_ENV.formatScram] = formatScramCredentials(opts.scramCredentials);
  return env;
}

function formatScramCredentials(credentials: string[]): string {
  for (const credential of credentials) {
    if (!/^SCRAM-SHA-(256|512)=\[[^\r\n]+\]$/.test(credential)) {
      // The mechanism only: the rest holds a password.
      const shown = credential.split('=')[0] ?? '';
      throw new KafkaToolError('INVALID_OPTION', `scramCredentials: expected SCRAM-SHA-256|512=[name=...,password=...] (got "${shown}=...")`);
    }
  }
  return credentials.join('\n');
}

function formatProperties(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([key, value]) => {
      if (!/^[A-Za-z0-9._-]+$/.test(key) || /[\r\n]/.test(value)) {
        throw new KafkaToolError('INVALID_OPTION', `extraProperties: invalid entry "${key}" (keys are a-z0-9._-, values one line)`);
      }
      return `${key}=${value}`;
    })
    .join('\n');
}

function portFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[KAFKA_ENV.port];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!isPort(port)) throw new KafkaToolError('INVALID_OPTION', `${KAFKA_ENV.port} must be a port number (got "${raw}")`);
  return port;
}

const isPort = (port: number): boolean => Number.isInteger(port) && port > 0 && port < 65_536;

function assertPort(name: string, port: number): void {
  if (!isPort(port)) throw new KafkaToolError('INVALID_OPTION', `${name} must be a port number (got ${port})`);
}

interface ScriptResult {
  stdout: string;
  stderr: string;
}

function runScript(command: string, env: NodeJS.ProcessEnv, log?: (line: string) => void): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    execFile('bash', [scriptPath, command], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (log) for (const line of stderr.split('\n')) if (line !== '') log(line);
      if (error) {
        const detail = stderr.trim() || error.message;
        reject(new KafkaToolError('SCRIPT_FAILED', `kafka.sh ${command} failed (port ${env[KAFKA_ENV.port] ?? 'default'}):\n${detail}`, { cause: error }));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
