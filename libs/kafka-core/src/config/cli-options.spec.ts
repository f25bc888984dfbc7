import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/app-error.js';
import { addEnvOptions, configureCliHelp, flagSource, formatDuration, loadFromFlags, withFlagNames } from './cli-options.js';
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
      '--rate must be a positive integer (got "fast")',
      '--topic / TEST_TOPIC is required (Topic to write)',
    ]);
  });

  it('loads through the flags and names the flag in the problems of what it loads', async () => {
    const given = parse(['--rate', '7'], { TEST_TOPIC: 't' });
    await expect(loadFromFlags(given.bindings, given.command.opts(), (source) => readEnv(specs, source))).resolves.toEqual({ rate: 7, topic: 't' });
    const bad = parse(['--rate', 'fast']);
    const attempt = loadFromFlags(bad.bindings, bad.command.opts(), async (source) => readEnv(specs, source));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ problems: ['--rate must be a positive integer (got "fast")', '--topic / TEST_TOPIC is required (Topic to write)'] });
  });

  it('names the env variable, not the flag, when the env variable was set', () => {
    const { source, bindings } = parse([], { TEST_RATE: 'fast', TEST_TOPIC: 't' });
    let caught: unknown;
    try {
      readEnv(specs, source);
    } catch (err) {
      caught = withFlagNames(err, bindings);
    }
    expect((caught as ConfigError).problems).toEqual(['TEST_RATE must be a positive integer (got "fast")']);
  });

  it('shows the value the env variable sets in --help, instead of the default', () => {
    const { command } = parse([], { TEST_TOPIC: 't', TEST_RATE: '50' });
    expect(command.helpInformation()).toContain('now: 50 from TEST_RATE');
    expect(command.helpInformation()).not.toContain('default: 1000');
  });

  it('says which flags are required', () => {
    const { command } = parse([]);
    expect(command.helpInformation()).toMatch(/Topic to write \(required\)/);
  });
});

describe('switches', () => {
  const switchSpecs = { idempotent: envVar('TEST_IDEMPOTENT', parsers.bool(), { description: 'Idempotent producer', default: true }) };
  function parseSwitch(argv: string[]) {
    const command = new Command().exitOverride();
    const bindings = addEnvOptions(command, switchSpecs, {});
    command.parse(argv, { from: 'user' });
    return readEnv(switchSpecs, flagSource(bindings, command.opts(), {})).idempotent;
  }

  it.each([
    { argv: ['--idempotent'], value: true },
    { argv: ['--no-idempotent'], value: false },
    { argv: ['--idempotent', 'false'], value: false },
    { argv: ['--idempotent', 'true'], value: true },
    { argv: [], value: true },
  ])('$argv → $value', ({ argv, value }) => {
    expect(parseSwitch(argv)).toBe(value);
  });
});

describe('durations', () => {
  const durationSpecs = {
    duration: envVar('TEST_DURATION', parsers.duration(), { description: 'How long' }),
    intervalMs: envVar('TEST_INTERVAL_MS', parsers.durationMs(), { description: 'How often', default: 5000 }),
  };

  it.each([
    { given: { TEST_DURATION: '2s' }, duration: 2000 },
    { given: { TEST_DURATION: '1.5m' }, duration: 90_000 },
    { given: { TEST_DURATION: '0' }, duration: 0 },
    { given: { TEST_DURATION: '10s', TEST_INTERVAL_MS: '250' }, duration: 10_000, intervalMs: 250 },
    { given: { TEST_DURATION: '10s', TEST_INTERVAL_MS: '2s' }, duration: 10_000, intervalMs: 2000 },
  ])('reads $given', ({ given, duration, intervalMs }) => {
    expect(readEnv(durationSpecs, given)).toEqual({ duration, intervalMs: intervalMs ?? 5000 });
  });

  it('rejects a bare number where the name carries no unit, naming the flag and the units', () => {
    const command = new Command().exitOverride();
    const bindings = addEnvOptions(command, { duration: durationSpecs.duration }, {});
    command.parse(['--duration', '2'], { from: 'user' });
    let caught: unknown;
    try {
      readEnv({ duration: durationSpecs.duration }, flagSource(bindings, command.opts(), {}));
    } catch (err) {
      caught = withFlagNames(err, bindings);
    }
    expect((caught as ConfigError).problems).toEqual(['--duration must be a duration with a unit: ms, s, m or h (e.g. 500ms, 30s, 5m) (got "2")']);
  });

  it.each([
    { ms: 30_000, text: '30s' },
    { ms: 300_000, text: '5m' },
    { ms: 7_200_000, text: '2h' },
    { ms: 1500, text: '1500ms' },
  ])('formats $ms ms as $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('help layout', () => {
  it('wraps every line at 80 columns, even beside long flag names', () => {
    const long = {
      'min-throughput-per-replica': envVar('LAG_MONITOR_MIN_THROUGHPUT_PER_REPLICA', parsers.int(1), {
        description: 'A long description that goes on and on about what this setting does and why a person would set it at all',
        default: 5,
      }),
    };
    const command = configureCliHelp(new Command('tool'));
    addEnvOptions(command, long, {});
    const help = command.helpInformation();
    for (const line of help.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
