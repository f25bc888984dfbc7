import { describe, expect, it, vi } from 'vitest';

// @kubernetes/client-node is ~70 MB of RSS: a monitor without the kubernetes actuator or leader
// election must not load it (decision 0025).
const loaded = vi.hoisted(() => ({ client: false }));
vi.mock('@kubernetes/client-node', async (importOriginal) => {
  loaded.client = true;
  return importOriginal();
});

describe('the Kubernetes client', () => {
  it('is not loaded by the CLI modules (settings and service) until a monitor needs it', async () => {
    await import('../config/monitor-config.js');
    await import('./monitor-service.js');
    expect(loaded.client).toBe(false);
  });

  it('is loaded by the kubernetes actuator module', async () => {
    await import('../actuators/kubernetes-actuator.js');
    expect(loaded.client).toBe(true);
  });
});
