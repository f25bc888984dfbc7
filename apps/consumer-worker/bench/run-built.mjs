// Runs a TypeScript bench file with tsx registered in this thread only. `node --import tsx` would
// put the flag in process.execArgv, which worker threads inherit: every pool thread would load
// tsx first (about 100 ms more per start), though the built code it runs needs none.
// Usage: node bench/run-built.mjs bench/consumer-throughput.bench.ts
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node bench/run-built.mjs <bench file.ts>');
  process.exit(2);
}
register();
await import(pathToFileURL(resolve(file)).href);
