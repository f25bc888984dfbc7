import type { FastifyError, FastifyInstance } from 'fastify';
import {
  createKafka,
  createOpsServer,
  createRegistry,
  defineService,
  type KafkaConfig,
  type Logger,
  type Registry,
  type Service,
  type ServiceState,
} from '@lagscale/kafka-core';
import { loadPartitioner } from '@lagscale/kafka-core/partitioner';
import { createBearerCheck } from './bearer-auth.js';
import { redactIngestConfig, type IngestConfig } from './ingest-config.js';
import { createIngestMetrics } from './ingest-metrics.js';
import { fromFastifyError, frameworkErrorOptions, replyWithError } from './http-errors.js';
import { IngestError, type IngestErrorCode } from './ingest-errors.js';
import { INGEST_PREFIX, ingestRoutes, routeNotFound } from './ingest-routes.js';
import { KafkaGateway } from './kafka-gateway.js';
import { defaultKafkaReadinessOptions, KafkaReadiness } from './kafka-readiness.js';
import { RecordIngestor } from './record-ingestor.js';

export interface IngestServiceOptions {
  kafkaConfig: KafkaConfig;
  ingestConfig: IngestConfig;
  logger: Logger;
  /** Where the ingest metrics go; a fresh `producer-gen` registry when omitted. */
  registry?: Registry;
}

export interface ListenAddress {
  host: string;
  port: number;
  url: string;
}

/**
 * The HTTP ingest gateway (`producer-gen serve`): `POST /v1/topics/:topic/records` plus
 * `/metrics`, `/healthz` and `/readyz` on one port. `start()` connects to Kafka, then listens;
 * `stop()` (idempotent) stops accepting, lets in-flight requests finish, then disconnects.
 */
export interface IngestService extends Service {
  readonly state: ServiceState;
  /** Where the server listens; undefined until `start()` resolved. */
  readonly address: ListenAddress | undefined;
  /** The fastify app, for a caller that adds routes before `start()`. */
  readonly app: FastifyInstance;
}

/** Builds the gateway; does no I/O. */
export function createIngestService(options: IngestServiceOptions): IngestService {
  const { kafkaConfig, ingestConfig, logger } = options;
  const registry = options.registry ?? createRegistry({ app: 'producer-gen' });
  const gateway = new KafkaGateway(createKafka(kafkaConfig, logger), {
    brokers: kafkaConfig.brokers,
    acks: ingestConfig.acks,
    compression: ingestConfig.compression,
    ackTimeoutMs: ingestConfig.requestTimeoutMs,
    requestTimeoutMs: ingestConfig.requestTimeoutMs,
  });
  const kafkaReadiness = new KafkaReadiness(() => gateway.probe(), {
    ...defaultKafkaReadinessOptions,
    probeTimeoutMs: Math.min(defaultKafkaReadinessOptions.probeTimeoutMs, ingestConfig.requestTimeoutMs),
  });
  const ingestor = new RecordIngestor(gateway, ingestConfig, kafkaReadiness);
  let stopping = false;

  const metrics = createIngestMetrics(registry);
  const refusals = { onRejected: (code: IngestErrorCode) => metrics.rejected.inc({ code }), retryAfterSeconds: ingestConfig.retryAfterSeconds };
  const ops = createOpsServer({
    registry,
    logger,
    host: ingestConfig.host,
    port: ingestConfig.port,
    framework: frameworkErrorOptions(refusals),
    portFlag: '--port',
    readiness: {
      kafka: () => {
        if (stopping) return 'shutting down';
        if (!gateway.isConnected) return 'producer not connected';
        return kafkaReadiness.check();
      },
    },
  });
  // fastify's close waits for every open connection, and a keep-alive connection that served a
  // request in flight would hold it open until its idle timeout: answer those with
  // `Connection: close` so the socket ends with the response.
  ops.app.addHook('onSend', async (_request, reply, payload) => {
    if (stopping) reply.header('connection', 'close');
    return payload;
  });
  // Outside /v1 too (an unknown path, a failing ops endpoint) the answer has the ingest's shape.
  ops.app.setNotFoundHandler((request, reply) =>
    replyWithError(reply, routeNotFound(request), refusals),
  );
  ops.app.setErrorHandler((err, _request, reply) => {
    const known = fromFastifyError(err as FastifyError, ingestConfig.maxRequestBytes);
    if (known === undefined) logger.error({ err }, 'ops request failed unexpectedly');
    return replyWithError(reply, known ?? new IngestError('INTERNAL', 'internal error'), refusals);
  });
  void ops.app.register(
    ingestRoutes({
      ingestor,
      metrics,
      logger,
      checkBearer: ingestConfig.authToken === undefined ? undefined : createBearerCheck(ingestConfig.authToken),
      maxRequestBytes: ingestConfig.maxRequestBytes,
      maxRecordsPerRequest: ingestConfig.maxRecordsPerRequest,
      retryAfterSeconds: ingestConfig.retryAfterSeconds,
    }),
    { prefix: INGEST_PREFIX },
  );

  let address: ListenAddress | undefined;
  const service = defineService({
    name: 'producer-gen-ingest',
    async onStart() {
      ingestor.usePartitioner(await loadPartitioner(ingestConfig.partitioner, { setting: 'INGEST_PARTITIONER' }));
      await gateway.start();
      kafkaReadiness.up();
      address = await ops.start();
      logger.info({ url: address.url, config: redactIngestConfig(ingestConfig) }, 'ingest gateway listening');
    },
    async onStop() {
      stopping = true;
      // fastify's close stops accepting and waits for requests in flight, whose Kafka waits are
      // bounded by requestTimeoutMs; only then may the producer go.
      await ops.stop();
      await gateway.stop();
      address = undefined;
      logger.info('ingest gateway stopped');
    },
  });

  return {
    name: service.name,
    get state() {
      return service.state;
    },
    get address() {
      return address;
    },
    app: ops.app,
    start: () => service.start(),
    stop: () => service.stop(),
  };
}
