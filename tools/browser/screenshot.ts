// Saves a screenshot of a page in headless Chromium once it has drawn:
//   node --import tsx tools/browser/screenshot.ts <url> <out.png> [--wait-for <css selector>] [--width N --height N]
// Used for the README's picture of lag-monitor's built-in view during `npm run demo`.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'wait-for': { type: 'string' }, width: { type: 'string', default: '1400' }, height: { type: 'string', default: '1000' } },
});
const [url, out] = positionals;
if (url === undefined || out === undefined) {
  console.error('usage: screenshot.ts <url> <out.png> [--wait-for <css selector>] [--width N] [--height N]');
  process.exit(2);
}
const browser = await launchChromium({ width: Number(values.width), height: Number(values.height) });
try {
  await browser.page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (values['wait-for'] !== undefined) await browser.page.waitForSelector(values['wait-for'], { timeout: 30_000 });
  const path = resolve(out);
  mkdirSync(dirname(path), { recursive: true });
  await browser.page.screenshot({ path, fullPage: true });
  console.log(`saved ${path}`);
} finally {
  await browser.close();
}
