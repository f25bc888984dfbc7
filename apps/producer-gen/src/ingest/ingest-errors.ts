/**
 * Every code an ingest response can carry in `{ error: { code, message } }`, with its HTTP
 * status. Clients branch on `code`; messages are for people.
 */
export const INGEST_ERROR_STATUS = {
  /** Not HTTP/1.1 as it must be: a body shorter or longer than its Content-Length, a bad line. */
  MALFORMED_HTTP: 400,
  /** A path that is not a valid URL (bad percent-encoding). */
  INVALID_URL: 400,
  MALFORMED_JSON: 400,
  INVALID_BODY: 400,
  EMPTY_BATCH: 400,
  INVALID_VALUE: 400,
  INVALID_TOPIC_NAME: 400,
  PARTITION_OUT_OF_RANGE: 400,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  TOPIC_NOT_ALLOWED: 403,
  TOPIC_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** The request did not arrive in full within the server's receive bound. */
  REQUEST_TIMEOUT: 408,
  // Every size limit is a 413: the remedy is always the same, send less per request.
  TOO_MANY_RECORDS: 413,
  RECORD_TOO_LARGE: 413,
  BODY_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  URL_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The request line and headers together (a very long URL counts) exceed the server's limit. */
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  KAFKA_UNAVAILABLE: 503,
} as const;

export type IngestErrorCode = keyof typeof INGEST_ERROR_STATUS;

/** The JSON body of every ingest error response. */
export interface IngestErrorBody {
  error: { code: IngestErrorCode; message: string };
}

/**
 * A request the gateway answers with an error status. `retriable` says whether sending the same
 * request again later may succeed (only KAFKA_UNAVAILABLE); `message` is shown to the client,
 * so it never carries internals (broker addresses, stacks), which go to `cause` and the log.
 */
export class IngestError extends Error {
  readonly code: IngestErrorCode;
  readonly statusCode: number;
  readonly retriable: boolean;
  /** Response headers the status calls for (e.g. `WWW-Authenticate` with a 401). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: IngestErrorCode, message: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IngestError';
    this.code = code;
    this.statusCode = INGEST_ERROR_STATUS[code];
    this.retriable = code === 'KAFKA_UNAVAILABLE';
    this.headers = options.headers ?? {};
  }

  toBody(): IngestErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
