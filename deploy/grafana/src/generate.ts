// Writes deploy/grafana/dashboards/*.json from the TypeScript sources (`npm run generate -w
// deploy/grafana`); with --check, exits 1 listing the files that differ instead of writing.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DASHBOARDS, renderDashboard } from './index.js';

const outDir = resolve(dirname(fileURLToPath(import.meta.url)), '../dashboards');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const { file, build } of DASHBOARDS) {
  const path = join(outDir, file);
  const json = renderDashboard(build());
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // missing: written (or reported) below
  }
  if (current === json) continue;
  if (check) stale.push(file);
  else {
    writeFileSync(path, json);
    console.log(`wrote ${path}`);
  }
}
if (check && stale.length > 0) {
  console.error(`out of date (run npm run generate -w deploy/grafana): ${stale.join(', ')}`);
  process.exit(1);
}
