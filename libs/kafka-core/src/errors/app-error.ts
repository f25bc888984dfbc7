/** Every error code the toolkit raises. Callers branch on `err.code`, never on messages. */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'BROKER_UNREACHABLE',
  /** A service other than Kafka (the Kubernetes API) cannot be reached. */
  'API_UNREACHABLE',
  'AUTH_FAILED',
  /** The TLS handshake failed: the broker's certificate is not trusted, or TLS met a plaintext port. */
  'TLS_FAILED',
  'KAFKA_REQUEST_FAILED',
  'TOPIC_NOT_FOUND',
  'TOPIC_INVALID',
  'GROUP_NOT_FOUND',
  /** The group has members, so its offsets cannot be changed from outside (reset, replay). */
  'GROUP_ACTIVE',
  'OFFSET_INVALID',
  'DECODE_FAILED',
  /** A record its handler can never process (not the data it expects): dead-lettered without retries. */
  'RECORD_INVALID',
  'TIMEOUT',
  'SHUTTING_DOWN',
  /** The kafkajs loaded is not the toolkit's (vendor/kafkajs): its fast paths would be missing. */
  'KAFKAJS_INCOMPATIBLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes a caller may retry after a backoff: the condition is expected to pass. */
const RETRIABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(['BROKER_UNREACHABLE', 'API_UNREACHABLE', 'KAFKA_REQUEST_FAILED', 'TIMEOUT']);

export interface AppErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  details?: Record<string, unknown>;
}

/** The one error base of the toolkit: a stable `code`, a `retriable` flag, optional `details`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retriable = options.retriable ?? RETRIABLE_BY_DEFAULT.has(code);
    this.details = options.details;
  }
}

/** Configuration problems, one message per bad setting, each naming its variable. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, { retriable: false });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function hasCode(err: unknown, code: ErrorCode): boolean {
  return isAppError(err) && err.code === code;
}

/** A one-line description of any thrown value, including its cause chain, for logs and CLIs. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (current instanceof Error) {
      // Wrappers often repeat their cause's message; say each thing once.
      if (!parts.some((p) => p.includes(current instanceof Error ? current.message : ''))) parts.push(current.message);
      current = current.cause;
    } else if (typeof current === 'object' && typeof (current as { message?: unknown }).message === 'string') {
      // An error that crossed a thread or process boundary as a plain object.
      const plain = current as { message: string; cause?: unknown };
      if (!parts.some((p) => p.includes(plain.message))) parts.push(plain.message);
      current = plain.cause;
    } else {
      parts.push(typeof current === 'object' ? JSON.stringify(current) : String(current));
      break;
    }
  }
  return parts.join(': caused by: ');
}
