import { AppError, ConfigError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { createLocalActuator, defaultLocalActuatorOptions, validateLocalActuatorOptions, type LocalActuatorOptions } from './local-actuator.js';

const valid: LocalActuatorOptions = { command: process.execPath, args: ['-e', ''], ...defaultLocalActuatorOptions };

describe('validateLocalActuatorOptions', () => {
  const rows: { name: string; change: Partial<LocalActuatorOptions>; says: string }[] = [
    { name: 'an empty command', change: { command: '' }, says: 'command must not be empty' },
    { name: 'a negative stop timeout', change: { stopTimeoutMs: -1 }, says: 'stopTimeoutMs must be an integer ≥ 0 (got -1)' },
    { name: 'a fractional stop timeout', change: { stopTimeoutMs: 1.5 }, says: 'stopTimeoutMs must be an integer ≥ 0 (got 1.5)' },
  ];
  it.each(rows)('rejects $name', ({ change, says }) => {
    const validate = () => validateLocalActuatorOptions({ ...valid, ...change });
    expect(validate).toThrow(ConfigError);
    expect(validate).toThrow(says);
  });

  it('accepts the defaults and a zero stop timeout (SIGKILL at once)', () => {
    expect(() => validateLocalActuatorOptions(valid)).not.toThrow();
    expect(() => validateLocalActuatorOptions({ ...valid, stopTimeoutMs: 0 })).not.toThrow();
  });
});

describe('local actuator without processes', () => {
  it('starts nothing on construction and rejects a bad replica count before spawning', async () => {
    const events: unknown[] = [];
    const actuator = createLocalActuator({ ...valid, onEvent: (event) => events.push(event) });
    expect(await actuator.current()).toBe(0);
    const scaled = actuator.scale(-1);
    await expect(scaled).rejects.toBeInstanceOf(AppError);
    await expect(scaled).rejects.toMatchObject({ code: 'INTERNAL', retriable: false, message: 'local actuator: replicas must be an integer ≥ 0 (got -1)' });
    expect(events).toEqual([]);
    await actuator.stop();
  });
});
