import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { describeError, type Logger } from '@lagscale/kafka-core';
import type { BearerCheck } from './bearer-auth.js';
import { IngestError } from './ingest-errors.js';
import type { IngestMetrics } from './ingest-metrics.js';
import type { RecordIngestor } from './record-ingestor.js';

/** The ingest routes live under this prefix; `/metrics`, `/healthz`, `/readyz` stay at the root. */
export const INGEST_PREFIX = '/v1';
export const INGEST_ROUTE = '/topics/:topic/records';

export interface IngestRoutesOptions {
  ingestor: RecordIngestor;
  metrics: IngestMetrics;
  logger: Logger;
  /** Checks `Authorization`; undefined when no token is configured. */
  checkBearer: ((authorization: string | undefined) => BearerCheck) | undefined;
  maxRequestBytes: number;
  retryAfterSeconds: number;
}

const REALM = 'Bearer realm="producer-gen"';

// fastify's own rejections (body parsing and limits), in the gateway's vocabulary.
function fromFastifyError(err: FastifyError, maxRequestBytes: number): IngestError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new IngestError('MALFORMED_JSON', 'body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new IngestError('MALFORMED_JSON', 'body is empty; expected a JSON object with a records array');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new IngestError('BODY_TOO_LARGE', `body is larger than ${maxRequestBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new IngestError('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
    default:
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return new IngestError('INVALID_REQUEST', err.message);
      }
      return undefined;
  }
}

function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/**
 * `POST /v1/topics/:topic/records` as an encapsulated fastify plugin: its error handler, hooks
 * and not-found handler apply to the ingest routes only, never to the ops endpoints beside them.
 * Every error answer is `{ error: { code, message } }`; no stack trace leaves the process.
 */
export function ingestRoutes(options: IngestRoutesOptions): FastifyPluginAsync {
  const { ingestor, metrics, logger } = options;

  const sendError = (reply: FastifyReply, error: IngestError): FastifyReply => {
    metrics.rejected.inc({ code: error.code });
    reply.code(error.statusCode).headers(error.headers);
    if (error.statusCode === 503) reply.header('retry-after', String(options.retryAfterSeconds));
    return reply.send(error.toBody());
  };

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    if (options.checkBearer === undefined) return;
    const outcome = options.checkBearer(request.headers.authorization);
    if (outcome === 'missing') {
      throw new IngestError('UNAUTHORIZED', 'a bearer token is required (Authorization: Bearer <token>)', { headers: { 'www-authenticate': REALM } });
    }
    if (outcome === 'invalid') {
      throw new IngestError('UNAUTHORIZED', 'the bearer token is not valid', { headers: { 'www-authenticate': `${REALM}, error="invalid_token"` } });
    }
  };

  // Before the body is read: fastify would otherwise accept text/plain and hand over a string.
  const requireJson = async (request: FastifyRequest): Promise<void> => {
    const contentType = request.headers['content-type'];
    const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      const got = contentType === undefined ? 'none' : `"${contentType.slice(0, 100)}"`;
      throw new IngestError('UNSUPPORTED_MEDIA_TYPE', `content-type must be application/json (got ${got})`);
    }
  };

  return async (app) => {
    app.setErrorHandler((err, _request, reply) => {
      const known = err instanceof IngestError ? err : fromFastifyError(err as FastifyError, options.maxRequestBytes);
      if (known === undefined) {
        logger.error({ err }, 'ingest request failed unexpectedly');
        return sendError(reply, new IngestError('INTERNAL', 'internal error; none of the records is confirmed'));
      }
      if (known.code === 'KAFKA_UNAVAILABLE') logger.warn({ reason: describeError(known.cause ?? known) }, known.message);
      return sendError(reply, known);
    });

    app.setNotFoundHandler((request, reply) =>
      sendError(reply, new IngestError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.slice(0, 300)}; records go to POST ${INGEST_PREFIX}${INGEST_ROUTE}`)),
    );

    app.addHook('onResponse', async (request, reply) => {
      const labels = { route: routeLabel(request), status: String(reply.statusCode) };
      metrics.requests.inc(labels);
      metrics.latency.observe(labels, reply.elapsedTime / 1_000);
    });

    app.post<{ Params: { topic: string } }>(
      INGEST_ROUTE,
      { bodyLimit: options.maxRequestBytes, onRequest: [authenticate, requireJson] },
      async (request, reply) => {
        const positions = await ingestor.ingest(request.params.topic, request.body);
        metrics.records.inc({ topic: request.params.topic }, positions.length);
        return reply.code(200).send({ records: positions });
      },
    );
  };
}
