import { ConfigError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { defaultKubernetesActuatorOptions, validateKubernetesActuatorOptions, type KubernetesActuatorOptions } from './kubernetes-settings.js';

const valid: KubernetesActuatorOptions = { ...defaultKubernetesActuatorOptions, namespace: 'lagscale', deployment: 'consumer-worker' };

describe('validateKubernetesActuatorOptions', () => {
  it('accepts DNS names and a positive timeout', () => {
    expect(() => validateKubernetesActuatorOptions(valid)).not.toThrow();
    expect(() => validateKubernetesActuatorOptions({ ...valid, deployment: 'workers.v2' })).not.toThrow();
  });

  const rows: { name: string; change: Partial<KubernetesActuatorOptions>; says: string }[] = [
    { name: 'an upper-case namespace', change: { namespace: 'Lagscale' }, says: 'namespace must be a DNS-1123 label' },
    { name: 'a namespace with a dot', change: { namespace: 'lag.scale' }, says: 'namespace must be a DNS-1123 label' },
    { name: 'an empty deployment', change: { deployment: '' }, says: 'deployment must be a DNS-1123 name' },
    { name: 'an unknown auth mode', change: { auth: 'token' as KubernetesActuatorOptions['auth'] }, says: 'auth must be one of in-cluster, kubeconfig, auto' },
    { name: 'a zero timeout', change: { requestTimeoutMs: 0 }, says: 'requestTimeoutMs must be a positive integer (got 0)' },
  ];
  it.each(rows)('rejects $name', ({ change, says }) => {
    const validate = () => validateKubernetesActuatorOptions({ ...valid, ...change });
    expect(validate).toThrow(ConfigError);
    expect(validate).toThrow(says);
  });
});
