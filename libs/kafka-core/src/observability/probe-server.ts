import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { defaultOpsServerOptions, type OpsEndpoints, type OpsServerOptions } from './http-server.js';
import { listenFailure, runChecks, type ReadinessCheck } from './ops-checks.js';
import { isReusableChunks, writeReusableChunks } from './reusable-chunks.js';

export type ProbeServerOptions = Omit<OpsServerOptions, 'framework' | 'maxParamLength'>;

/** fastify's default, kept: longer than the idle timeout of common load balancers and scrapers (60 s). */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

function sendJson(response: ServerResponse, statusCode: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(head ? undefined : text);
}

/**
 * The ops server's three routes (`/metrics`, `/healthz`, `/readyz`, answered as `createOpsServer`
 * answers them, HEAD included) on Node's own HTTP server, for an app that adds no routes of its
 * own. It costs a few ms to start where fastify costs ~200 ms of CPU, which every replica added at
 * a scale-up pays before its first record (docs/decisions/0026).
 */
export function createProbeServer(options: ProbeServerOptions): OpsEndpoints {
  const checks = new Map<string, ReadinessCheck>(Object.entries(options.readiness ?? {}));
  const host = options.host ?? defaultOpsServerOptions.host;
  const port = options.port ?? defaultOpsServerOptions.port;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?', 1)[0];
    const head = method === 'HEAD';
    if (method !== 'GET' && !head) return sendJson(response, 404, notFound(method, request.url), false);
    switch (path) {
      case '/metrics': {
        const body = options.exposition === undefined ? await options.registry.metrics() : await options.exposition();
        if (typeof body === 'string') {
          response.writeHead(200, { 'content-type': options.registry.contentType, 'content-length': Buffer.byteLength(body) });
          response.end(head ? undefined : body);
        } else {
          response.writeHead(200, { 'content-type': options.registry.contentType });
          if (head) response.end();
          else if (isReusableChunks(body)) await writeReusableChunks(response, body);
          else body.pipe(response);
        }
        return;
      }
      case '/healthz':
        return sendJson(response, 200, { status: 'ok' }, head);
      case '/readyz': {
        const result = await runChecks(checks);
        return sendJson(response, result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'not ready', checks: result.checks }, head);
      }
      default:
        return sendJson(response, 404, notFound(method, request.url), head);
    }
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((err: unknown) => {
      if (response.headersSent) return void response.destroy(err instanceof Error ? err : undefined);
      const message = err instanceof Error ? err.message : String(err);
      sendJson(response, 500, { statusCode: 500, error: 'Internal Server Error', message }, request.method === 'HEAD');
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  let started: Promise<{ host: string; port: number; url: string }> | undefined;
  let stopping: Promise<void> | undefined;
  return {
    start() {
      started ??= new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          resolve();
        });
      }).then(
        () => {
          const bound = server.address();
          const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
          const url = `http://${host}:${boundPort}`;
          options.logger?.info({ url }, 'ops server listening');
          return { host, port: boundPort, url };
        },
        (err: unknown) => {
          throw listenFailure(err, host, port, options.portFlag);
        },
      );
      return started;
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        // idle keep-alive connections would hold close() open until they time out
        server.closeIdleConnections();
      });
      return stopping;
    },
    setReadiness(name, check) {
      checks.set(name, check);
    },
  };
}

/** fastify's answer for a route it does not have, so both servers answer alike. */
function notFound(method: string, url: string | undefined): { message: string; error: string; statusCode: number } {
  return { message: `Route ${method}:${url ?? '/'} not found`, error: 'Not Found', statusCode: 404 };
}
