import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { describeError, type Logger } from '@lagscale/kafka-core';
import type { BearerCheck } from './bearer-auth.js';
import { fromFastifyError, replyWithError } from './http-errors.js';
import { IngestError } from './ingest-errors.js';
import { scanRequestBody } from './body-scan.js';
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
  maxRecordsPerRequest: number;
  retryAfterSeconds: number;
}

const REALM = 'Bearer realm="producer-gen"';

const OTHER_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The answer to a path no route serves, under /v1 or not. */
export function routeNotFound(request: FastifyRequest): IngestError {
  return new IngestError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.slice(0, 300)}; records go to POST ${INGEST_PREFIX}${INGEST_ROUTE}`);
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

  const sendError = (reply: FastifyReply, error: IngestError): FastifyReply =>
    replyWithError(reply, error, { onRejected: (code) => metrics.rejected.inc({ code }), retryAfterSeconds: options.retryAfterSeconds });

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
    // Bodies are read once, in place (body-scan.ts); one the scanner does not take is parsed as
    // fastify would, with the same refusals of __proto__ and constructor.prototype.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    const scanLimits = { maxRecordsPerRequest: options.maxRecordsPerRequest };
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      const bytes = body as Buffer;
      const scanned = scanRequestBody(bytes, scanLimits);
      if (scanned !== undefined) done(null, scanned);
      else void parseJson(request, bytes.toString('utf8'), done);
    });

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
      sendError(reply, routeNotFound(request)),
    );

    app.addHook('onResponse', async (request, reply) => {
      const labels = { route: routeLabel(request), status: String(reply.statusCode) };
      metrics.requests.inc(labels);
      metrics.latency.observe(labels, reply.elapsedTime / 1_000);
    });

    // The route exists, the method does not: a 405 naming the one that does, not a 404.
    app.route({
      method: OTHER_METHODS,
      url: INGEST_ROUTE,
      exposeHeadRoute: false,
      handler: async () => {
        throw new IngestError('METHOD_NOT_ALLOWED', `records are sent with POST ${INGEST_PREFIX}${INGEST_ROUTE}`, { headers: { allow: 'POST' } });
      },
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
