// The built-in view in a real browser: lag-monitor scales real consumer-worker processes (local
// actuator) while Debian's Chromium, driven by playwright-core, shows /ui/. The page must draw
// non-empty charts (series pixels on every canvas) and show the replica count changing live;
// the test saves a screenshot under reports/ui/.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceSequenced, TestKafka, testBrokers } from '@lagscale/kafka-core/testing';
import { launchChromium, type HeadlessBrowser } from '../../../tools/browser/chromium.js';
import { consumerWorkerCommand, createLocalActuator } from '../src/actuators/index.js';
import type { Actuator } from '../src/model/index.js';
import { UI_PATHS, type ViewHistoryDocument } from '../src/ui/index.js';
import { startMonitor, type TestMonitor } from './monitor-helpers.js';

const PARTITIONS = 4;
const RECORDS = 12_000;
const screenshotPath = fileURLToPath(new URL('../../../reports/ui/lag-view.png', import.meta.url));

/**
 * Runs in the page: pixels of a chart's canvas drawn in one of its series' colours (read from the
 * legend markers), so axes, grid and text do not count. A string: this package has no DOM types.
 */
const seriesPixels = (chart: string) => `(() => {
  const root = document.querySelector('[data-chart="${chart}"]');
  const canvas = root && root.querySelector('canvas');
  if (!canvas) return 0;
  const strokes = [...root.querySelectorAll('.u-series .u-marker')]
    .map((m) => (getComputedStyle(m).borderColor.match(/\\d+/g) || []).slice(0, 3).map(Number))
    .filter((c) => c.length === 3);
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] < 200) continue;
    if (strokes.some(([r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30)) count += 1;
  }
  return count;
})()`;

/** Runs in the page: how many points the view's chart `name` holds (0 before it is drawn). */
const chartPoints = (name: string) => `(window.lagscaleView && window.lagscaleView.charts.${name} ? window.lagscaleView.charts.${name}.points : 0)`;

describe('built-in view (/ui/) in headless Chromium', () => {
  const t = new TestKafka();
  let monitor: TestMonitor | undefined;
  let actuator: Actuator | undefined;
  let browser: HeadlessBrowser | undefined;
  let topic = '';
  let groupId = '';

  beforeAll(async () => {
    await t.connect();
    topic = await t.createTopic({ partitions: PARTITIONS, prefix: 'ui-view' });
    t.adopt(`${topic}.out`, `${topic}.dlq`);
    groupId = t.groupId('ui-view');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await monitor?.service.stop();
    await actuator?.stop();
    await t.cleanup();
  });

  it('draws lag, partitions, time lag, rates and replicas, and shows the fleet scaling 1 → 4 live', async () => {
    const { command, args } = consumerWorkerCommand();
    actuator = createLocalActuator({
      command,
      args,
      env: () => ({
        KAFKA_BROKERS: testBrokers().join(','),
        CONSUMER_TOPIC: topic,
        CONSUMER_GROUP_ID: groupId,
        CONSUMER_OUTPUT_TOPIC: `${topic}.out`,
        CONSUMER_HANDLER: 'io-wait',
        CONSUMER_HANDLER_OPTIONS: 'waitMs=1',
        CONSUMER_THREADS: '1',
        CONSUMER_METRICS_PORT: '0',
        CONSUMER_PROGRESS_INTERVAL_MS: '0',
        CONSUMER_COMMIT_INTERVAL_MS: '300',
        CONSUMER_SESSION_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
      }),
      stopTimeoutMs: 20_000,
      logDir: mkdtempSync(join(tmpdir(), 'ui-view-')),
    });
    await actuator.scale(1);
    monitor = await startMonitor(
      {
        LAG_MONITOR_GROUPS: groupId,
        LAG_MONITOR_TOPICS: topic,
        LAG_MONITOR_SCALE_GROUP: groupId,
        LAG_MONITOR_SCALE_MODE: 'lag',
        LAG_MONITOR_LAG_PER_REPLICA: '1000',
        LAG_MONITOR_MIN_REPLICAS: '1',
        LAG_MONITOR_MAX_REPLICAS: '8',
        // no scale-down within the test: the view is checked while the fleet is up
        LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: '300000',
        LAG_MONITOR_INTERVAL_MS: '500',
        LAG_MONITOR_WINDOW_MS: '3000',
      },
      { actuator },
    );
    const page = browser!.page;
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${monitor.service.url}/ui`);
    expect(page.url()).toBe(`${monitor.service.url}${UI_PATHS.page}`);

    // Before any backlog: one replica, shown as such.
    const replicas = page.locator('[data-stat="replicas"] .value');
    await expect.poll(() => replicas.textContent(), { timeout: 30_000 }).toBe('1');
    const seen = new Set<string>([(await replicas.textContent()) ?? '']);
    const watch = setInterval(() => {
      void replicas.textContent().then((text) => seen.add(text ?? ''), () => undefined);
    }, 200);

    // A backlog of 12,000 records at 1,000 per replica asks for 12; the 4 partitions cap it at 4.
    await produceSequenced(t, topic, RECORDS, 400, 'ui-view');
    try {
      await expect.poll(() => replicas.textContent(), { timeout: 60_000, interval: 250 }).toBe('4');
    } finally {
      clearInterval(watch);
    }
    seen.add((await replicas.textContent()) ?? '');
    expect([...seen]).toEqual(expect.arrayContaining(['1', '4']));

    // The page draws from the history the monitor serves: the replica columns changed 1 → 4.
    const history = (await (await fetch(`${monitor.service.url}${UI_PATHS.history}`)).json()) as ViewHistoryDocument;
    const desired = history.scaling?.desired.filter((v): v is number => v !== null) ?? [];
    expect(desired[0]).toBe(1);
    expect(Math.max(...desired)).toBe(PARTITIONS);
    const group = history.groups.find((g) => g.groupId === groupId && g.topic === topic);
    expect(Math.max(...(group?.totalLag.filter((v): v is number => v !== null) ?? [0]))).toBeGreaterThan(1_000);

    // Every chart is drawn with its series, not just axes, once the page has rendered data with lag in it.
    await expect.poll(() => page.evaluate<number>(chartPoints('lag')), { timeout: 10_000 }).toBeGreaterThan(3);
    for (const chart of ['lag', 'partitions', 'time', 'rates', 'replicas']) {
      await expect.poll(() => page.evaluate<number>(seriesPixels(chart)), { timeout: 10_000, message: `series pixels on the ${chart} chart` }).toBeGreaterThan(40);
    }
    await expect.poll(() => page.locator('[data-chart="partitions"] .u-series').count()).toBe(PARTITIONS + 1);

    // The last decisions: a scale-up from 1 with its reason.
    const rows = page.locator('[data-decisions] tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const scaleUps = await page.locator('[data-decisions] tbody tr', { hasText: 'scale-up' }).allTextContents();
    expect(scaleUps.some((row) => row.includes('1 → 4') || row.includes('1 → '))).toBe(true);
    expect(await page.locator('[data-status]').textContent()).toMatch(/last cycle .* ok/);

    mkdirSync(join(screenshotPath, '..'), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
