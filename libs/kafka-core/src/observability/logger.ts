import { createRequire } from 'node:module';
import { pino, stdSerializers, type Logger } from 'pino';
import type { prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevel } from '../config/kafka-config.js';
import { logDestination } from './log-destination.js';

export type { Logger } from 'pino';
export { setLiveLine, type LiveLine } from './log-destination.js';

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  /** auto: human-readable on a terminal, JSON lines otherwise (pods, pipes, files). */
  format?: LogFormat;
  /**
   * Where to write: stdout (services) or stderr (commands whose stdout is their result, such as
   * `producer-gen run --json`). Tests pass a stream to capture lines (always JSON).
   */
  destination?: 'stdout' | 'stderr' | NodeJS.WritableStream;
}

// pino-pretty (~20 ms of CPU to load) only for a person at a terminal: services log JSON.
const loadPrettyFactory = (): typeof prettyFactory => (createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof prettyFactory }).prettyFactory;

const DEBUG_LEVELS: readonly string[] = ['debug', 'trace'];

/** Whether a logger at `format` writing to `fd` prints human-readable lines. */
export function isPretty(format: LogFormat, fd: number): boolean {
  if (format !== 'auto') return format === 'pretty';
  return fd === 2 ? process.stderr.isTTY === true : process.stdout.isTTY === true;
}

/**
 * An error as a log field: its type, code and message; the stack only at debug, where a person
 * chasing a bug wants it (one failure is one line otherwise).
 */
function errorSerializer(withStack: boolean) {
  return (err: unknown) => {
    if (!(err instanceof Error)) return err;
    const full = stdSerializers.err(err) as unknown as Record<string, unknown>;
    if (withStack) return full;
    const { stack: _stack, ...rest } = full;
    return rest;
  };
}

/**
 * The project logger, one line per event with the app name on every line: JSON (pino) for
 * machines, a short readable line (pino-pretty) for a person at a terminal. Choose with
 * `LOG_FORMAT` (json, pretty, auto); auto looks at whether the destination is a terminal.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const withStack = DEBUG_LEVELS.includes(level);
  const pinoOptions = {
    level,
    base: { app: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorSerializer(withStack), error: errorSerializer(withStack) },
  };
  if (typeof options.destination === 'object') return pino(pinoOptions, options.destination);

  const fd = options.destination === 'stderr' ? 2 : 1;
  const format = options.format ?? (process.env.LOG_FORMAT as LogFormat | undefined) ?? 'auto';
  const destination = logDestination(fd);
  if (!isPretty(format, fd)) return pino(pinoOptions, destination);

  const prettify = loadPrettyFactory()({
    colorize: fd === 2 ? process.stderr.isTTY === true : process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,app',
    singleLine: true,
    // An err field shows as its message (and code) on the line; its stack only at debug.
    errorLikeObjectKeys: withStack ? ['err', 'error'] : [],
  });
  return pino(pinoOptions, { write: (line: string) => destination.write(prettify(line)) });
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
