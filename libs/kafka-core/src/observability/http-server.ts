import { createRequire } from 'node:module';
import type fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { listenFailure, runChecks, type ReadinessCheck } from './ops-checks.js';
import { isReusableChunks, writeReusableChunks, type ExpositionBody } from './reusable-chunks.js';

export type { ReadinessCheck } from './ops-checks.js';

// fastify (with the schema compilers it builds) is ~200 ms of CPU to load and construct: loaded
// when an app builds this server, not by everything that imports the package (a consumer-worker
// serves its probes without it: probe-server.ts).
const requireFastify = (): typeof fastify => createRequire(import.meta.url)('fastify') as typeof fastify;

export interface OpsServerOptions {
  registry: Registry;
  /**
   * Renders the /metrics body instead of `registry.metrics()`, as a string, a stream, or chunks
   * whose Buffers the server hands back once sent (a large body); the content type stays the
   * registry's. lag-monitor appends series it renders itself.
   */
  exposition?: () => Promise<ExpositionBody> | ExpositionBody;
  logger?: Logger;
  /** Named checks; `/readyz` is 200 only when every one passes. */
  readiness?: Record<string, ReadinessCheck>;
  host?: string;
  port?: number;
  /** The flag that sets the port, named when it is taken (EADDRINUSE). Default `--metrics-port`. */
  portFlag?: string;
  /** Longest URL path parameter; raised so routes carrying topic names (up to 249) match. */
  maxParamLength?: number;
  /**
   * Server-level hooks for what fastify answers before any route runs (a bad URL, an HTTP parse
   * error, a request that never completes): an app with its own error shape answers those too.
   */
  framework?: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler' | 'requestTimeout'>;
}

/** What every app's ops server does: listen, stop, and take readiness checks. */
export interface OpsEndpoints {
  start(): Promise<{ host: string; port: number; url: string }>;
  stop(): Promise<void>;
  setReadiness(name: string, check: ReadinessCheck): void;
}

export interface OpsServer extends OpsEndpoints {
  /** The fastify instance, so an app can add its own routes before `start()`. */
  readonly app: FastifyInstance;
}

export const defaultOpsServerOptions = { host: '127.0.0.1', port: 9464 } satisfies Partial<OpsServerOptions>;

/**
 * The small HTTP server every app runs: `/metrics` (Prometheus text), `/healthz` (the process is
 * alive), `/readyz` (named checks). Constructing does no I/O; `start()` listens; `stop()` is
 * idempotent.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const checks = new Map<string, ReadinessCheck>(Object.entries(options.readiness ?? {}));
  const app = requireFastify()({ logger: false, ...options.framework, routerOptions: { maxParamLength: options.maxParamLength ?? 256 } });
  const host = options.host ?? defaultOpsServerOptions.host;
  const port = options.port ?? defaultOpsServerOptions.port;

  app.get('/metrics', async (request, reply) => {
    const body = options.exposition === undefined ? await options.registry.metrics() : await options.exposition();
    if (!isReusableChunks(body)) return reply.header('content-type', options.registry.contentType).send(body);
    // Written here, not by fastify: only this loop sees when the socket is done with a Buffer.
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': options.registry.contentType });
    if (request.method === 'HEAD') reply.raw.end();
    else await writeReusableChunks(reply.raw, body);
    return reply;
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await runChecks(checks);
    return reply.code(result.ready ? 200 : 503).send({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
  });

  let stopping: Promise<void> | undefined;
  return {
    app,
    async start() {
      let address: string;
      try {
        address = await app.listen({ host, port });
      } catch (err) {
        throw listenFailure(err, host, port, options.portFlag);
      }
      const bound = app.server.address();
      const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
      options.logger?.info({ url: address }, 'ops server listening');
      return { host, port: boundPort, url: `http://${host}:${boundPort}` };
    },
    stop() {
      stopping ??= app.close().then(() => undefined);
      return stopping;
    },
    setReadiness(name, check) {
      checks.set(name, check);
    },
  };
}
