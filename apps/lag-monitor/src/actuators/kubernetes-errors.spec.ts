import { ApiException, FetchError } from '@kubernetes/client-node';
import { AppError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { fromKubernetesError, timeoutError, type ScaleTarget } from './kubernetes-errors.js';

const target: ScaleTarget = { namespace: 'lagscale', deployment: 'consumer-worker', server: 'https://10.0.0.1:443', requestTimeoutMs: 5_000 };
const status = (message: string) => JSON.stringify({ kind: 'Status', status: 'Failure', message });

describe('fromKubernetesError', () => {
  const rows: { name: string; err: unknown; code: string; retriable: boolean; says: string[] }[] = [
    {
      name: '401: credentials',
      err: new ApiException(401, 'Unauthorized', undefined, {}),
      code: 'AUTH_FAILED',
      retriable: false,
      says: ['rejected the credentials', '401'],
    },
    {
      name: '403: names the RBAC to grant',
      err: new ApiException(403, 'Unknown API Status Code!', status('deployments.apps "consumer-worker" is forbidden'), {}),
      code: 'AUTH_FAILED',
      retriable: false,
      says: ['forbids patch deployments/scale lagscale/consumer-worker', 'is forbidden', 'get and patch on deployments/scale in the "apps" API group', 'rbac.yaml'],
    },
    {
      name: '404: which Deployment',
      err: new ApiException(404, 'Unknown API Status Code!', status('deployments.apps "consumer-worker" not found'), {}),
      code: 'CONFIG_INVALID',
      retriable: false,
      says: ['deployment lagscale/consumer-worker not found'],
    },
    {
      name: '422: we sent something invalid',
      err: new ApiException(422, 'Unknown API Status Code!', status('spec.replicas: Invalid value'), {}),
      code: 'INTERNAL',
      retriable: false,
      says: ['answered 422', 'spec.replicas: Invalid value'],
    },
    {
      name: '503: the server is busy or restarting',
      err: new ApiException(503, 'Unknown API Status Code!', 'upstream connect error', {}),
      code: 'INTERNAL',
      retriable: true,
      says: ['answered 503', 'upstream connect error'],
    },
    {
      name: '429: throttled',
      err: new ApiException(429, 'Unknown API Status Code!', status('Too many requests'), {}),
      code: 'INTERNAL',
      retriable: true,
      says: ['answered 429'],
    },
    {
      name: 'connection refused',
      err: new FetchError('request to https://10.0.0.1:443/apis failed, reason: connect ECONNREFUSED', 'system', { name: 'Error', message: 'ECONNREFUSED', code: 'ECONNREFUSED' }),
      code: 'API_UNREACHABLE',
      retriable: true,
      says: ['cannot reach the kubernetes API at https://10.0.0.1:443', 'ECONNREFUSED'],
    },
    {
      name: 'anything else',
      err: new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'),
      code: 'INTERNAL',
      retriable: false,
      says: ['patch deployments/scale lagscale/consumer-worker failed', 'HTTP protocol is not allowed'],
    },
  ];

  it.each(rows)('$name → $code (retriable: $retriable)', ({ err, code, retriable, says }) => {
    const mapped = fromKubernetesError(err, 'patch', target);
    expect(mapped.code).toBe(code);
    expect(mapped.retriable).toBe(retriable);
    for (const text of says) expect(mapped.message).toContain(text);
    expect(mapped.cause).toBe(err);
  });

  it('passes an AppError through unchanged', () => {
    const err = new AppError('SHUTTING_DOWN', 'stopped');
    expect(fromKubernetesError(err, 'get', target)).toBe(err);
  });
});

describe('timeoutError', () => {
  it('names the call, the server and the bound, and may be retried', () => {
    const err = timeoutError('get', target);
    expect(err.code).toBe('TIMEOUT');
    expect(err.retriable).toBe(true);
    expect(err.message).toBe('kubernetes API at https://10.0.0.1:443 did not answer get deployments/scale lagscale/consumer-worker within 5000 ms');
  });
});
