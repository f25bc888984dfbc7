import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createOpsServer, type OpsEndpoints } from './http-server.js';
import { createProbeServer } from './probe-server.js';
import { createRegistry } from './metrics.js';
import type { ReusableChunks } from './reusable-chunks.js';

describe('probe server', () => {
  const servers: OpsEndpoints[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  async function started(server: OpsEndpoints): Promise<string> {
    servers.push(server);
    return (await server.start()).url;
  }

  it('serves the registry on /metrics with the Prometheus content type', async () => {
    const registry = createRegistry({ app: 'test-app', version: '1.2.3', defaultMetrics: false });
    new Counter({ name: 'test_records_total', help: 'records', registers: [registry] }).inc(3);
    const url = await started(createProbeServer({ registry, port: 0 }));
    const response = await fetch(`${url}/metrics?scrape=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('test_records_total{app="test-app"} 3');
  });

  it('answers /healthz while alive and /readyz by its checks', async () => {
    let connected = false;
    const server = createProbeServer({ registry: createRegistry({ app: 'a', defaultMetrics: false }), port: 0, readiness: { kafka: () => connected || 'producer not connected' } });
    const url = await started(server);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', checks: { kafka: 'producer not connected' } });
    connected = true;
    server.setReadiness('group', async () => true);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { kafka: 'ok', group: 'ok' } });
  });

  it('treats a throwing check as not ready', async () => {
    const url = await started(createProbeServer({ registry: createRegistry({ app: 'a', defaultMetrics: false }), port: 0, readiness: { broken: () => { throw new Error('boom'); } } }));
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ checks: { broken: 'boom' } });
  });

  it('answers as the fastify ops server does: HEAD, unknown routes and methods, a failing exposition', async () => {
    const registry = createRegistry({ app: 'a', defaultMetrics: false });
    const exposition = () => Promise.reject(new Error('render failed'));
    const probe = await started(createProbeServer({ registry, port: 0, exposition }));
    const ops = await started(createOpsServer({ registry, port: 0, exposition }));
    const cases = [
      { method: 'HEAD', path: '/healthz' },
      { method: 'GET', path: '/nope' },
      { method: 'POST', path: '/metrics' },
      { method: 'GET', path: '/metrics' },
    ];
    for (const { method, path } of cases) {
      const [a, b] = await Promise.all([fetch(`${probe}${path}`, { method }), fetch(`${ops}${path}`, { method })]);
      expect({ method, path, status: a.status, type: a.headers.get('content-type'), body: await a.text() }).toEqual({
        method,
        path,
        status: b.status,
        type: b.headers.get('content-type'),
        body: await b.text(),
      });
    }
  });

  it('both servers send reusable chunks whole and hand every Buffer back once written; a failing source cuts the body', async () => {
    const registry = createRegistry({ app: 'a', defaultMetrics: false });
    const lines = Array.from({ length: 20_000 }, (_, i) => `series_${i}{x="${'y'.repeat(i % 97)}"} ${i}\n`);
    const released: Buffer[] = [];
    const sent: Buffer[] = [];
    function body(failAfter = Number.POSITIVE_INFINITY): ReusableChunks {
      return {
        chunks: (async function* () {
          yield '# a string chunk first\n';
          for (let i = 0; i < lines.length; i += 100) {
            if (i >= failAfter) throw new Error('render failed');
            const chunk = Buffer.from(lines.slice(i, i + 100).join(''));
            sent.push(chunk);
            yield chunk;
          }
        })(),
        release: (chunk) => void released.push(chunk),
      };
    }
    const expected = `# a string chunk first\n${lines.join('')}`;
    let fail = Number.POSITIVE_INFINITY;
    const exposition = () => body(fail);
    const probe = await started(createProbeServer({ registry, port: 0, exposition }));
    const ops = await started(createOpsServer({ registry, port: 0, exposition }));
    for (const url of [probe, ops]) {
      sent.length = 0;
      released.length = 0;
      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toBe(registry.contentType);
      expect(await response.text()).toBe(expected);
      // Every Buffer came back, each once; the string chunk is not a Buffer and is not handed back.
      await expect.poll(() => released.length).toBe(sent.length);
      expect(new Set(released)).toEqual(new Set(sent));
      const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    }
    fail = 500;
    for (const url of [probe, ops]) {
      // Cut before or after the head reached the scraper (writes are queued): never a whole body.
      const outcome = await fetch(`${url}/metrics`).then((response) => response.text()).then(() => 'whole', () => 'cut');
      expect(outcome).toBe('cut');
    }
  });

  it('stops idempotently, also with a keep-alive connection open', async () => {
    const server = createProbeServer({ registry: createRegistry({ app: 'a', defaultMetrics: false }), port: 0 });
    const { url, host } = await server.start();
    expect(host).toBe('127.0.0.1');
    await (await fetch(`${url}/healthz`)).text();
    await Promise.all([server.stop(), server.stop()]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('names the flag to change when the port is taken', async () => {
    const first = createProbeServer({ registry: createRegistry({ app: 'a', defaultMetrics: false }), port: 0 });
    const { port } = await first.start();
    servers.push(first);
    const second = createProbeServer({ registry: createRegistry({ app: 'b', defaultMetrics: false }), port, portFlag: '--ops-port' });
    await expect(second.start()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `cannot listen on 127.0.0.1:${port}: the port is in use (another process, or a second replica on this host). Set --ops-port to a free port, or 0 for any free port`,
    });
    await second.stop();
  });
});
