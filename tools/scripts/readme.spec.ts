import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handlerOptionsMarkdown } from '@lagscale/consumer-worker';
import { configSections, configTable } from './config-table.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows exactly the two Quick start commands', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## What is here'));
    const commands = quickStart.split('\n').filter((line) => /^npm /.test(line));
    expect(commands.map((c) => c.split('#')[0]?.trim())).toEqual(['npm run demo', 'npm test']);
  });

  it.each(Object.entries(configSections).map(([id, section]) => ({ id, ...section })))(
    'has the current configuration table of $id (regenerate: tools/scripts/config-table.ts)',
    ({ id, specs }) => {
      const start = readme.indexOf(`<!-- config-table:${id} -->`);
      const end = readme.indexOf(`<!-- /config-table:${id} -->`);
      expect(start, `README lacks the ${id} table`).toBeGreaterThan(-1);
      expect(readme.slice(start + `<!-- config-table:${id} -->`.length, end).trim()).toBe(configTable(specs, id === 'kafka'));
    },
  );

  it('lists every built-in handler option as the handlers define them (regenerate: tools/scripts/config-table.ts)', () => {
    const open = '<!-- handler-options -->';
    const start = readme.indexOf(open);
    const end = readme.indexOf('<!-- /handler-options -->');
    expect(start, 'README lacks the handler options table').toBeGreaterThan(-1);
    expect(readme.slice(start + open.length, end).trim()).toBe(handlerOptionsMarkdown());
  });
});
