// The k6 scripts' options, built from the same definitions as the runner's stages.
import { describe, expect, it } from 'vitest';
import { k6Options, k6Settings } from '../k6/k6-options.ts';
import { scenarios } from './scenarios.ts';

describe('k6 options', () => {
  it('runs one constant-arrival-rate scenario per stage, one after another, thresholds on the measured stages', () => {
    const settings = k6Settings('ingest-constant', { RATE: '300', DURATION: '30s', WARMUP: '10s', BASE_URL: 'http://ingest:8080/' });
    expect(settings.baseUrl).toBe('http://ingest:8080');
    const options = k6Options('ingest-constant', settings);
    expect(options.scenarios).toMatchObject({
      '0_warmup': { executor: 'constant-arrival-rate', rate: 300, timeUnit: '1s', duration: '10000ms', startTime: '0ms', exec: 'send', tags: { measured: 'no' } },
      '1_main': { executor: 'constant-arrival-rate', rate: 300, duration: '30000ms', startTime: '10000ms', exec: 'send', tags: { measured: 'yes' } },
    });
    expect(options.thresholds).toEqual({
      'http_req_duration{measured:yes}': ['p(95)<50', 'p(99)<200'],
      'http_req_failed{measured:yes}': ['rate<0.01'],
    });
  });

  it('ingest-find-max checks each step on its own and aborts at the first that breaks', () => {
    const options = k6Options('ingest-find-max', k6Settings('ingest-find-max', { RATE: '100', STEP_RATE: '100', MAX_RATE: '300', DURATION: '15s', WARMUP: '5s', SETTLE: '0' }));
    expect(Object.keys(options.scenarios ?? {})).toEqual(['0_warmup', '1_step', '2_step', '3_step']);
    expect(options.thresholds?.['http_req_duration{scenario:2_step}']).toEqual([{ threshold: 'p(95)<50', abortOnFail: true, delayAbortEval: '5s' }]);
    expect(options.thresholds?.['http_req_duration{scenario:0_warmup}']).toBeUndefined();
  });

  it('ingest-find-max runs each rate\'s settle as its own scenario, tagged unmeasured and held against nothing', () => {
    const options = k6Options('ingest-find-max', k6Settings('ingest-find-max', { RATE: '100', STEP_RATE: '100', MAX_RATE: '200', DURATION: '15s', WARMUP: '5s', SETTLE: '3s' }));
    expect(Object.entries(options.scenarios ?? {}).map(([name, s]) => [name, (s as { duration: string }).duration, s.tags?.measured])).toEqual([
      ['0_warmup', '5000ms', 'no'],
      ['1_settle', '3000ms', 'no'],
      ['2_step', '15000ms', 'yes'],
      ['3_settle', '3000ms', 'no'],
      ['4_step', '15000ms', 'yes'],
    ]);
    expect(Object.keys(options.thresholds ?? {}).filter((metric) => metric.includes('settle'))).toEqual([]);
  });

  it('THRESHOLDS replaces the definition\'s threshold on the same metric', () => {
    const settings = k6Settings('ingest-constant', { THRESHOLDS: 'p95_ms<30,error_rate<0.001' });
    expect(settings.params.thresholds.map((t) => `${t.metric}${t.op}${t.value}`)).toEqual(['p99_ms<200', 'dropped_rate<0.01', 'p95_ms<30', 'error_rate<0.001']);
  });

  it('watches lag-monitor for the whole run when LAG_MONITOR_URL is set', () => {
    const settings = k6Settings('burst', { LAG_MONITOR_URL: 'http://monitor:9467' });
    const total = scenarios.burst.stages(settings.params).reduce((sum, stage) => sum + stage.durationMs, 0);
    expect(k6Options('burst', settings).scenarios?.watch_lag_monitor).toEqual({ executor: 'constant-vus', vus: 1, duration: `${total}ms`, exec: 'watch' });
    expect(k6Options('burst', k6Settings('burst', {})).scenarios?.watch_lag_monitor).toBeUndefined();
  });

  it('rejects a bad number with the variable\'s name', () => {
    expect(() => k6Settings('burst', { PEAK_RATE: 'lots' })).toThrow('PEAK_RATE must be a non-negative number (got "lots")');
  });
});
