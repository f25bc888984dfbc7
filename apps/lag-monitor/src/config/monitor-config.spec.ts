import { describe, expect, it } from 'vitest';
import { ConfigError } from '@lagscale/kafka-core';
import { loadMonitorSettings } from './monitor-config.js';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadMonitorSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('loadMonitorSettings', () => {
  it('reads a watch-only setup with the defaults', () => {
    const settings = loadMonitorSettings({ LAG_MONITOR_GROUPS: 'a, b', LAG_MONITOR_TOPICS: 'events' });
    expect(settings).toMatchObject({ groups: ['a', 'b'], topics: ['events'], intervalMs: 5_000, actuator: 'none', scaling: undefined, metricsPort: 9467 });
  });

  it('watches the scaled group even when the list does not name it, and carries the policy', () => {
    const settings = loadMonitorSettings({ LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_SCALE_GROUP: 'workers', LAG_MONITOR_SCALE_MODE: 'lag', LAG_MONITOR_MAX_REPLICAS: '6', LAG_MONITOR_SCALE_DOWN_STABILIZATION_MS: '2m' });
    expect(settings.groups).toEqual(['a', 'workers']);
    expect(settings.scaling?.groupId).toBe('workers');
    expect(settings.scaling?.policy).toMatchObject({ mode: 'lag', maxReplicas: 6, scaleDownStabilizationMs: 120_000 });
  });

  it('does not add the scaled group when the pattern already matches it', () => {
    const settings = loadMonitorSettings({ LAG_MONITOR_GROUP_PATTERN: '^work', LAG_MONITOR_SCALE_GROUP: 'workers' });
    expect(settings.groups).toEqual([]);
    expect(settings.groupPattern?.test('workers')).toBe(true);
  });

  it('scales on the topics a pattern matches (whole names) and watches them, with any watch pattern', () => {
    const settings = loadMonitorSettings({ LAG_MONITOR_SCALE_GROUP: 'workers', LAG_MONITOR_SCALE_TOPIC_PATTERN: 'orders-.*', LAG_MONITOR_TOPIC_PATTERN: 'audit' });
    expect(settings.scaling?.topicPattern?.test('orders-eu')).toBe(true);
    expect(settings.scaling?.topicPattern?.test('old-orders-eu')).toBe(false);
    expect(['orders-eu', 'audit', 'audit-2'].filter((t) => settings.topicPattern?.test(t) === true)).toEqual(['orders-eu', 'audit']);
  });

  it.each([
    { name: 'a scale pattern without a group to scale', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_SCALE_TOPIC_PATTERN: 'x' }, problem: 'LAG_MONITOR_SCALE_TOPIC_PATTERN needs LAG_MONITOR_SCALE_GROUP' },
    { name: 'a bad topic pattern', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_TOPIC_PATTERN: '(' }, problem: 'LAG_MONITOR_TOPIC_PATTERN must be a regular expression' },
    { name: 'nothing to watch', env: {}, problem: 'LAG_MONITOR_GROUPS or LAG_MONITOR_GROUP_PATTERN must name at least one group' },
    { name: 'a bad pattern', env: { LAG_MONITOR_GROUP_PATTERN: '(' }, problem: 'LAG_MONITOR_GROUP_PATTERN must be a regular expression' },
    { name: 'min above max, by variable', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_MIN_REPLICAS: '5', LAG_MONITOR_MAX_REPLICAS: '2' }, problem: 'LAG_MONITOR_MIN_REPLICAS must not exceed LAG_MONITOR_MAX_REPLICAS (got 5 > 2)' },
    { name: 'a window shorter than two cycles', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_INTERVAL_MS: '10s', LAG_MONITOR_WINDOW_MS: '15s' }, problem: 'LAG_MONITOR_WINDOW_MS must span at least two collection intervals' },
    { name: 'an actuator without a group to scale', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_ACTUATOR: 'local' }, problem: 'LAG_MONITOR_SCALE_GROUP must be set when LAG_MONITOR_ACTUATOR is local' },
    { name: 'kubernetes without a deployment', env: { LAG_MONITOR_SCALE_GROUP: 'a', LAG_MONITOR_ACTUATOR: 'kubernetes' }, problem: 'LAG_MONITOR_K8S_DEPLOYMENT must be set' },
    { name: 'an unknown mode', env: { LAG_MONITOR_GROUPS: 'a', LAG_MONITOR_SCALE_MODE: 'fast' }, problem: 'LAG_MONITOR_SCALE_MODE must be one of lag, rate (got "fast")' },
  ])('rejects $name', ({ env, problem }) => {
    expect(problemsOf(env).join('\n')).toContain(problem);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ LAG_MONITOR_INTERVAL_MS: 'soon', LAG_MONITOR_MAX_REPLICAS: '0' })).toEqual([
      'LAG_MONITOR_INTERVAL_MS must be a number of milliseconds or a duration like 500ms, 30s, 5m, 1h (got "soon")',
      'LAG_MONITOR_MAX_REPLICAS must be an integer from 1 to 10000 (got "0")',
      'LAG_MONITOR_GROUPS or LAG_MONITOR_GROUP_PATTERN must name at least one group to watch',
    ]);
  });
});
