import { hostname } from 'node:os';
import { ConfigError } from '@lagscale/kafka-core';
import { describe, expect, it } from 'vitest';
import { loadMonitorSettings } from '../config/monitor-config.js';

const base = { LAG_MONITOR_SCALE_GROUP: 'workers', LAG_MONITOR_ACTUATOR: 'kubernetes', LAG_MONITOR_K8S_DEPLOYMENT: 'consumer-worker', LAG_MONITOR_K8S_NAMESPACE: 'streaming' };

describe('leader election settings', () => {
  it('are off unless asked for', () => {
    expect(loadMonitorSettings(base).leaderElection).toBeUndefined();
  });

  it("default to the Lease lag-monitor in the Deployment's namespace, named by POD_NAME, with client-go's timing", () => {
    const settings = loadMonitorSettings({ ...base, LAG_MONITOR_LEADER_ELECTION: 'true', POD_NAME: 'lag-monitor-7d9f-x2x4q' });
    expect(settings.leaderElection).toEqual({
      lease: { namespace: 'streaming', name: 'lag-monitor' },
      options: { identity: 'lag-monitor-7d9f-x2x4q', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    });
  });

  it('name each replica uniquely outside a pod: host name and pid', () => {
    const settings = loadMonitorSettings({ ...base, LAG_MONITOR_LEADER_ELECTION: 'true' });
    expect(settings.leaderElection?.options.identity).toBe(`${hostname()}-${process.pid}`);
  });

  it('take every knob from its variable', () => {
    const settings = loadMonitorSettings({
      ...base,
      LAG_MONITOR_LEADER_ELECTION: 'on',
      LAG_MONITOR_LEASE_NAME: 'scaler.leader',
      LAG_MONITOR_LEASE_NAMESPACE: 'coordination',
      LAG_MONITOR_LEADER_IDENTITY: 'monitor-1',
      LAG_MONITOR_LEASE_DURATION_MS: '30s',
      LAG_MONITOR_LEASE_RENEW_DEADLINE_MS: '20s',
      LAG_MONITOR_LEASE_RETRY_PERIOD_MS: '4s',
    });
    expect(settings.leaderElection).toEqual({
      lease: { namespace: 'coordination', name: 'scaler.leader' },
      options: { identity: 'monitor-1', leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 4_000 },
    });
  });

  it.each<{ name: string; env: Record<string, string>; problem: string }>([
    { name: 'a renew deadline not shorter than the lease', env: { LAG_MONITOR_LEASE_RENEW_DEADLINE_MS: '15s' }, problem: 'LAG_MONITOR_LEASE_RENEW_DEADLINE_MS must be shorter than LAG_MONITOR_LEASE_DURATION_MS' },
    { name: 'a lease duration in parts of seconds', env: { LAG_MONITOR_LEASE_DURATION_MS: '15500ms' }, problem: 'LAG_MONITOR_LEASE_DURATION_MS must be a whole number of seconds' },
    { name: 'a retry period too close to the deadline', env: { LAG_MONITOR_LEASE_RETRY_PERIOD_MS: '9s' }, problem: 'LAG_MONITOR_LEASE_RETRY_PERIOD_MS must be under LAG_MONITOR_LEASE_RENEW_DEADLINE_MS / 1.2' },
    { name: 'a Lease name Kubernetes refuses', env: { LAG_MONITOR_LEASE_NAME: 'Lag_Monitor' }, problem: 'LAG_MONITOR_LEASE_NAME must be a DNS-1123 name' },
    { name: 'a bad namespace', env: { LAG_MONITOR_LEASE_NAMESPACE: 'a.b' }, problem: 'LAG_MONITOR_LEASE_NAMESPACE must be a DNS-1123 label' },
    { name: 'a duration that is not one', env: { LAG_MONITOR_LEASE_DURATION_MS: 'long' }, problem: 'LAG_MONITOR_LEASE_DURATION_MS must be a number of milliseconds or a duration like 500ms, 30s, 5m, 1h (got "long")' },
  ])('reject $name, by variable', ({ env, problem }) => {
    const load = () => loadMonitorSettings({ ...base, LAG_MONITOR_LEADER_ELECTION: 'true', ...env });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(problem);
  });
});
