import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OpsServer } from '@lagscale/kafka-core';
import type { ViewHistory } from './view-history.js';

/** Paths of the built-in view; `/ui` redirects to `/ui/` so the page's relative asset links resolve. */
export const UI_PATHS = { page: '/ui/', history: '/ui/history' } as const;

interface Asset {
  body: Buffer;
  type: string;
}

// The page's own files sit beside this module in src/ and are copied beside it into dist/ by the
// build; uPlot comes from its npm package (a production dependency), so no CDN is involved.
function loadAssets(): Record<string, Asset> {
  const own = (name: string, type: string): Asset => ({ body: readFileSync(new URL(`./assets/${name}`, import.meta.url)), type });
  const require = createRequire(import.meta.url);
  const uplot = (file: string, type: string): Asset => ({ body: readFileSync(require.resolve(`uplot/dist/${file}`)), type });
  return {
    '': own('index.html', 'text/html; charset=utf-8'),
    'app.js': own('app.js', 'text/javascript; charset=utf-8'),
    'app.css': own('app.css', 'text/css; charset=utf-8'),
    'uplot.js': uplot('uPlot.iife.min.js', 'text/javascript; charset=utf-8'),
    'uplot.css': uplot('uPlot.min.css', 'text/css; charset=utf-8'),
  };
}

/** Serves the built-in lag view (`/ui/`) and its data (`/ui/history`, JSON) on the ops server. */
export function registerUiRoutes(app: OpsServer['app'], history: ViewHistory): void {
  const assets = loadAssets();
  app.get('/ui', async (_request, reply) => reply.redirect(UI_PATHS.page));
  // ?group=&topic= picks the pair whose partitions are included (the page's selection)
  app.get<{ Querystring: { group?: string; topic?: string } }>(UI_PATHS.history, async (request, reply) => {
    const { group, topic } = request.query;
    const doc = history.toJSON(group !== undefined && topic !== undefined ? { groupId: group, topic } : undefined);
    return reply.header('cache-control', 'no-store').send(doc);
  });
  app.get<{ Params: { file: string } }>('/ui/:file', async (request, reply) => {
    const asset = assets[request.params.file];
    if (asset === undefined) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no such file: /ui/${request.params.file}` } });
    return reply.header('content-type', asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
  app.get('/ui/', async (_request, reply) => {
    const page = assets[''];
    return reply.header('content-type', page!.type).header('cache-control', 'no-cache').send(page!.body);
  });
}
