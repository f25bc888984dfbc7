import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeEnv, kafkaEnv } from '@lagscale/kafka-core';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows exactly the two Quick start commands', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## What is here'));
    expect(quickStart).toContain('npm run demo');
    expect(quickStart).toContain('npm test');
  });

  it.each(describeEnv(kafkaEnv))('documents $name with its default', ({ name, default: value }) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``));
    expect(row, `README configuration table lacks ${name}`).toBeDefined();
    if (value !== '') expect(row).toContain(`\`${value}\``);
  });
});
