import { describe, expect, it } from 'vitest';
import { AppError } from '@lagscale/kafka-core';
import { createNoneActuator } from './none-actuator.js';

describe('none actuator', () => {
  it('reports the members as last collected, on every call', async () => {
    let members = 2;
    const actuator = createNoneActuator(() => members);
    expect(actuator.kind).toBe('none');
    expect(await actuator.current()).toBe(2);
    members = 5;
    expect(await actuator.current()).toBe(5);
  });

  it('accepts scale() and changes nothing', async () => {
    const actuator = createNoneActuator(() => 3);
    await actuator.scale(7);
    expect(await actuator.current()).toBe(3);
  });

  it('rejects a replica count that is not an integer ≥ 0', async () => {
    const actuator = createNoneActuator(() => 0);
    for (const replicas of [-1, 1.5, Number.NaN]) {
      const scaled = actuator.scale(replicas);
      await expect(scaled).rejects.toBeInstanceOf(AppError);
      await expect(scaled).rejects.toMatchObject({ code: 'INTERNAL', retriable: false, message: `none actuator: replicas must be an integer ≥ 0 (got ${String(replicas)})` });
    }
  });

  it('stops twice without complaint, and holds nothing to release: it still reads the members after', async () => {
    let members = 2;
    const actuator = createNoneActuator(() => members);
    await expect(actuator.stop()).resolves.toBeUndefined();
    await expect(actuator.stop()).resolves.toBeUndefined();
    members = 4;
    expect(await actuator.current()).toBe(4);
    await expect(actuator.scale(1)).resolves.toBeUndefined();
    expect(await actuator.current()).toBe(4);
  });
});
