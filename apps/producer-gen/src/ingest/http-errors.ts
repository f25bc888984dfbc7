import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { IngestError, type IngestErrorCode } from './ingest-errors.js';

// What fastify and Node's HTTP parser answer by themselves, translated into the gateway's one
// error shape, `{ error: { code, message } }`: a client parses every refusal the same way.

/** Node's limit on the request line plus headers (`--max-http-header-size`, 16 KiB by default). */
const HEADER_LIMIT_BYTES = 16 * 1_024;

/** fastify's own rejections while reading a body (parsing and limits), in the gateway's vocabulary. */
export function fromFastifyError(err: FastifyError, maxRequestBytes: number): IngestError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new IngestError('MALFORMED_JSON', 'body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new IngestError('MALFORMED_JSON', 'body is empty; expected a JSON object with a records array');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new IngestError('BODY_TOO_LARGE', `body is larger than ${maxRequestBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new IngestError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new IngestError('MALFORMED_HTTP', 'the body does not match its Content-Length');
    default:
      // secure-json-parse refuses __proto__ and constructor.prototype keys with a SyntaxError.
      if (err instanceof SyntaxError || err.name === 'SyntaxError') return new IngestError('MALFORMED_JSON', `body is not acceptable JSON: ${err.message}`);
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return new IngestError('INVALID_REQUEST', err.message);
      }
      return undefined;
  }
}

/** Errors fastify raises while routing, before any handler or hook: bad URLs and oversized parameters. */
export function fromFrameworkError(err: FastifyError, request: FastifyRequest): IngestError {
  const url = request.url.slice(0, 200);
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new IngestError('INVALID_URL', `the path ${JSON.stringify(url)} is not a valid URL (bad percent-encoding)`);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new IngestError('URL_TOO_LONG', `a path segment of ${JSON.stringify(url)}… is too long; topic names have at most 249 characters`);
    default:
      return new IngestError('INVALID_REQUEST', `the request could not be routed (${err.code})`);
  }
}

/** What Node's HTTP parser (or its receive timeout) rejected, before fastify saw a request. */
export function fromClientError(err: NodeJS.ErrnoException): IngestError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new IngestError('HEADERS_TOO_LARGE', `the request line and headers exceed ${HEADER_LIMIT_BYTES} bytes (a URL that long names no route)`);
    case 'HPE_URI_TOO_LONG':
      return new IngestError('URL_TOO_LONG', `the URL exceeds ${HEADER_LIMIT_BYTES} bytes`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new IngestError('REQUEST_TIMEOUT', 'the request did not arrive in full in time (was its Content-Length larger than the body?)');
    case 'HPE_INVALID_EOF_STATE':
      return new IngestError('MALFORMED_HTTP', 'the connection ended before the body its Content-Length announced');
    default:
      return new IngestError('MALFORMED_HTTP', `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'}): check the request line, and that no body is longer than its Content-Length`);
  }
}

/** A whole HTTP/1.1 response for a socket no request object exists for; the connection then closes. */
export function rawErrorResponse(error: IngestError): string {
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

/** How long receiving one request (headers and body) may take before it is answered 408. */
export const defaultReceiveTimeoutMs = 30_000;

/** Sends an IngestError as the response, counting it; a 503 says when to try again. */
export function replyWithError(reply: FastifyReply, error: IngestError, options: { onRejected(code: IngestErrorCode): void; retryAfterSeconds: number }): FastifyReply {
  options.onRejected(error.code);
  reply.code(error.statusCode).headers(error.headers);
  if (error.statusCode === 503) reply.header('retry-after', String(options.retryAfterSeconds));
  return reply.send(error.toBody());
}

export interface FrameworkErrorHooks {
  /** Called with each refusal the framework raised, for the rejection metric. */
  onRejected(code: IngestErrorCode): void;
  retryAfterSeconds: number;
}

/** The fastify server options that make the framework's own refusals use the gateway's shape. */
export function frameworkErrorOptions(hooks: FrameworkErrorHooks, receiveTimeoutMs = defaultReceiveTimeoutMs): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler' | 'requestTimeout'> {
  return {
    // Receiving a request is bounded, so a body shorter than its Content-Length on a connection
    // left open gets a 408 instead of holding the connection forever.
    requestTimeout: receiveTimeoutMs,
    frameworkErrors: (err, request, reply) => {
      void replyWithError(reply, fromFrameworkError(err, request), hooks);
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => {
      // The client went away: nobody to answer.
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const error = fromClientError(err);
      hooks.onRejected(error.code);
      if (socket.writable) socket.end(rawErrorResponse(error));
      else socket.destroy(err);
    },
  };
}
