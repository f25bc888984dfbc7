import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/kafka-config.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  /** Where to write; defaults to stdout. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

/** The project logger: JSON lines (pino), one per event, with the app name on every line. */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const base = { app: options.name };
  return options.destination === undefined
    ? pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime })
    : pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, options.destination);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
