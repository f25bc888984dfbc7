import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createOpsServer, type OpsServer } from './http-server.js';
import { createRegistry } from './metrics.js';

describe('ops server', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves the registry on /metrics with the Prometheus content type', async () => {
    const registry = createRegistry({ app: 'test-app', version: '1.2.3', defaultMetrics: false });
    new Counter({ name: 'test_records_total', help: 'records', registers: [registry] }).inc(3);
    server = createOpsServer({ registry });
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('test_records_total{app="test-app"} 3');
    expect(response.body).toContain('lagscale_build_info{version="1.2.3",node="');
  });

  it('answers /healthz while alive and /readyz by its checks', async () => {
    let connected = false;
    server = createOpsServer({
      registry: createRegistry({ app: 'a', defaultMetrics: false }),
      readiness: { kafka: () => connected || 'producer not connected' },
    });
    expect((await server.app.inject('/healthz')).statusCode).toBe(200);
    const notReady = await server.app.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ status: 'not ready', checks: { kafka: 'producer not connected' } });
    connected = true;
    server.setReadiness('group', async () => true);
    const ready = await server.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { kafka: 'ok', group: 'ok' } });
  });

  it('treats a throwing check as not ready', async () => {
    server = createOpsServer({
      registry: createRegistry({ app: 'a', defaultMetrics: false }),
      readiness: {
        broken: () => {
          throw new Error('boom');
        },
      },
    });
    const response = await server.app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ checks: { broken: 'boom' } });
  });

  it('listens on 127.0.0.1 and stops idempotently', async () => {
    server = createOpsServer({ registry: createRegistry({ app: 'a', defaultMetrics: false }), port: 0 });
    const { url, host } = await server.start();
    expect(host).toBe('127.0.0.1');
    const response = await fetch(`${url}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
    await Promise.all([server.stop(), server.stop()]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('a port that is taken', () => {
  it('fails with one line naming the flag to change, not EADDRINUSE and a stack', async () => {
    const first = createOpsServer({ registry: createRegistry({ app: 'a' }), port: 0 });
    const { port } = await first.start();
    try {
      const second = createOpsServer({ registry: createRegistry({ app: 'b' }), port });
      await expect(second.start()).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: `cannot listen on 127.0.0.1:${port}: the port is in use (another process, or a second replica on this host). Set --metrics-port to a free port, or 0 for any free port`,
      });
      await second.stop();
    } finally {
      await first.stop();
    }
  });
});
