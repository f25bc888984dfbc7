import { afterEach, describe, expect, it } from 'vitest';
import { createOpsServer, createRegistry } from '@lagscale/kafka-core';
import { registerUiRoutes, UI_PATHS } from './ui-routes.js';
import { createViewHistory } from './view-history.js';

describe('registerUiRoutes', () => {
  // the ops server every app runs, as lag-monitor registers the view on it
  const { app } = createOpsServer({ registry: createRegistry({ app: 'lag-monitor', defaultMetrics: false }) });
  afterEach(async () => app.close());

  it('serves the page, its scripts (uPlot from the package, no CDN) and the history as JSON', async () => {
    registerUiRoutes(app, createViewHistory(5000));
    const redirect = await app.inject({ url: '/ui' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe(UI_PATHS.page);

    const page = await app.inject({ url: UI_PATHS.page });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources).toEqual(expect.arrayContaining(['uplot.css', 'app.css', 'uplot.js', 'app.js']));
    expect(sources.filter((s) => /^(https?:)?\/\//.test(s))).toEqual([]);
    for (const asset of ['uplot.js', 'uplot.css', 'app.js', 'app.css']) {
      const response = await app.inject({ url: `/ui/${asset}` });
      expect(response.statusCode, asset).toBe(200);
      expect(response.body.length, asset).toBeGreaterThan(500);
    }
    expect((await app.inject({ url: '/ui/uplot.js' })).body).toContain('uPlot');

    const history = await app.inject({ url: UI_PATHS.history });
    expect(history.statusCode).toBe(200);
    expect(history.json()).toMatchObject({ service: 'lag-monitor', intervalMs: 5000, times: [], groups: [], scaling: null });

    expect((await app.inject({ url: `${UI_PATHS.history}?group=g&topic=t` })).statusCode).toBe(200);

    const missing = await app.inject({ url: '/ui/../package.json' });
    expect(missing.statusCode).toBe(404);
    expect((await app.inject({ url: '/ui/secret.txt' })).statusCode).toBe(404);
  });
});
