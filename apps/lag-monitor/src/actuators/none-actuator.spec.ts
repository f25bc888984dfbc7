import { describe, expect, it } from 'vitest';
import { hasCode } from '@lagscale/kafka-core';
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
      const caught: unknown = await actuator.scale(replicas).catch((err: unknown) => err);
      expect(hasCode(caught, 'INTERNAL')).toBe(true);
    }
  });

  it('stops twice without complaint', async () => {
    const actuator = createNoneActuator(() => 0);
    await actuator.stop();
    await actuator.stop();
  });
});
