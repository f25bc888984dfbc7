import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/app-error.js';
import { addEnvOptions, flagSource, loadFromFlags, withFlagNames } from './cli-options.js';
import { envVar, parsers, readEnv } from './env-spec.js';

const specs = {
  rate: envVar('TEST_RATE', parsers.int(1), { description: 'Records per second', default: 1000 }),
  topic: envVar('TEST_TOPIC', parsers.string(), { description: 'Topic to write' }),
};

function parse(argv: string[], env: Record<string, string | undefined> = {}) {
  const command = new Command().exitOverride();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const bindings = addEnvOptions(command, { rate: specs.rate, topic: specs.topic });
    command.parse(argv, { from: 'user' });
    return { command, bindings, source: flagSource(bindings, command.opts(), env) };
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
  }
}

describe('env-backed CLI options', () => {
  it.each([
    { name: 'default', argv: [], env: { TEST_TOPIC: 't' }, rate: 1000 },
    { name: 'env', argv: [], env: { TEST_TOPIC: 't', TEST_RATE: '50' }, rate: 50 },
    { name: 'flag beats env', argv: ['--rate', '7'], env: { TEST_TOPIC: 't', TEST_RATE: '50' }, rate: 7 },
  ])('reads the rate from $name', ({ argv, env, rate }) => {
    const { source } = parse(argv, env);
    expect(readEnv(specs, source)).toEqual({ rate, topic: 't' });
  });

  it('documents the env variable and default in --help', () => {
    const { command } = parse([], { TEST_TOPIC: 't' });
    const help = command.helpInformation();
    expect(help).toContain('--rate <value>');
    expect(help).toContain('Records per second');
    expect(help).toContain('default: 1000');
    expect(help).toContain('env: TEST_RATE');
  });

  it('names the flag and the variable in validation problems', () => {
    const { source, bindings } = parse(['--rate', 'fast']);
    let caught: unknown;
    try {
      readEnv(specs, source);
    } catch (err) {
      caught = withFlagNames(err, bindings);
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      '--rate / TEST_RATE must be a positive integer (got "fast")',
      '--topic / TEST_TOPIC is required (Topic to write)',
    ]);
  });

  it('loads through the flags and names the flag in the problems of what it loads', async () => {
    const given = parse(['--rate', '7'], { TEST_TOPIC: 't' });
    await expect(loadFromFlags(given.bindings, given.command.opts(), (source) => readEnv(specs, source))).resolves.toEqual({ rate: 7, topic: 't' });
    const bad = parse(['--rate', 'fast']);
    const attempt = loadFromFlags(bad.bindings, bad.command.opts(), async (source) => readEnv(specs, source));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ problems: ['--rate / TEST_RATE must be a positive integer (got "fast")', '--topic / TEST_TOPIC is required (Topic to write)'] });
  });
});
