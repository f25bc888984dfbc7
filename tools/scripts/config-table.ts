// Prints the configuration table of the README from the settings' own definitions, so the
// table cannot drift from the code:  node --conditions=lagscale-source --import tsx tools/scripts/config-table.ts
import { describeEnv, kafkaEnv } from '@lagscale/kafka-core';

const rows = describeEnv(kafkaEnv);
console.log('| Variable | Default | Meaning |');
console.log('|:--|:--|:--|');
for (const row of rows) console.log(`| \`${row.name}\` | ${row.default === '' ? '—' : `\`${row.default}\``} | ${row.description} |`);
