export const LOAD_ERROR_CODES = ['INVALID_OPTION', 'TOOL_MISSING', 'TOOL_BUILD_FAILED', 'APP_FAILED', 'TIMEOUT', 'INTERRUPTED'] as const;
export type LoadErrorCode = (typeof LOAD_ERROR_CODES)[number];

/** Errors of the load runner, each with a code a caller can test; the CLI prints the message and exits 2. */
export class LoadError extends Error {
  readonly code: LoadErrorCode;
  readonly retriable: boolean;

  constructor(code: LoadErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoadError';
    this.code = code;
    this.retriable = options.retriable ?? code === 'TIMEOUT';
  }
}
