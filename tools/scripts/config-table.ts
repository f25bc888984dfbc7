// Prints the configuration tables of the README from the settings' own definitions, so the
// tables cannot drift from the code:  node --conditions=lagscale-source --import tsx tools/scripts/config-table.ts [section]
import { describeEnv, flagsFor, kafkaCliFlags, kafkaEnv, type EnvSpecs } from '@lagscale/kafka-core';
import { handlerOptionsMarkdown, workerEnv } from '@lagscale/consumer-worker';
import { monitorEnv } from '@lagscale/lag-monitor';
import { generatorEnv, ingestEnv, verifyEnv } from '@lagscale/producer-gen';

export const configSections: Record<string, { title: string; specs: EnvSpecs }> = {
  kafka: { title: 'Kafka connection (all apps)', specs: kafkaEnv },
  'producer-run': { title: '`producer-gen run`', specs: generatorEnv },
  'producer-serve': { title: '`producer-gen serve` (HTTP ingest)', specs: ingestEnv },
  'producer-verify': { title: '`producer-gen verify`', specs: verifyEnv },
  'consumer-worker': { title: '`consumer-worker`', specs: workerEnv },
  'lag-monitor': { title: '`lag-monitor`', specs: monitorEnv },
};

// The apps name each flag after its setting's key (maxInFlight → --max-in-flight); Kafka settings
// have flags only for the few in kafkaCliFlags (the rest are env-only).
const kafkaFlagOf = (spec: unknown) => Object.entries(kafkaCliFlags).find(([, s]) => s === spec)?.[0];

export function configTable(specs: EnvSpecs, kafka = false): string {
  const rows = describeEnv(specs);
  const lines = ['| Variable | Flag | Default | Meaning |', '|:--|:--|:--|:--|'];
  const appFlags = Object.keys(flagsFor(specs));
  Object.keys(specs).forEach((key, i) => {
    const row = rows[i];
    if (row === undefined) return;
    const flag = kafka ? kafkaFlagOf(specs[key]) : appFlags[i];
    lines.push(`| \`${row.name}\` | ${flag === undefined ? '—' : `\`--${flag}\``} | ${row.default === '' ? '—' : `\`${row.default}\``} | ${row.description.replaceAll('|', '\\|')} |`);
  });
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('config-table.ts') && process.argv[2] === '--write') {
  // Rewrites every table between its markers in README.md.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const readmeUrl = new URL('../../README.md', import.meta.url);
  let readme = readFileSync(readmeUrl, 'utf8');
  for (const [id, section] of Object.entries(configSections)) {
    const open = `<!-- config-table:${id} -->`;
    const close = `<!-- /config-table:${id} -->`;
    const start = readme.indexOf(open);
    const end = readme.indexOf(close);
    if (start < 0 || end < 0) throw new Error(`README.md lacks the markers of the ${id} table`);
    readme = `${readme.slice(0, start + open.length)}\n${configTable(section.specs, id === 'kafka')}\n${readme.slice(end)}`;
  }
  // consumer-worker's built-in handlers and their options, from the handlers' option schemas
  const open = '<!-- handler-options -->';
  const close = '<!-- /handler-options -->';
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < 0) throw new Error('README.md lacks the markers of the handler options table');
  readme = `${readme.slice(0, start + open.length)}\n${handlerOptionsMarkdown()}\n${readme.slice(end)}`;
  writeFileSync(readmeUrl, readme);
} else if (process.argv[1]?.endsWith('config-table.ts')) {
  const only = process.argv[2];
  for (const [id, section] of Object.entries(configSections)) {
    if (only !== undefined && only !== id) continue;
    console.log(`<!-- config-table:${id} -->\n${configTable(section.specs, id === 'kafka')}\n<!-- /config-table:${id} -->\n`);
  }
}
