import { describe, expect, it } from 'vitest';
import { builtInHandlerNames, handlerIsStateful, handlerSpecifier, loadHandler } from './registry.js';
import { handlerRecord } from '../../test-support/handler-record.js';
import { testHandler } from '../../test-support/test-handlers.js';

describe('handlerSpecifier', () => {
  const cases: { spec: string; specifier: string }[] = [
    { spec: './handlers/mine.js', specifier: 'file:///srv/app/handlers/mine.js' },
    { spec: '../mine.js', specifier: 'file:///srv/mine.js' },
    { spec: '/opt/h.js', specifier: 'file:///opt/h.js' },
    { spec: '@acme/handler', specifier: '@acme/handler' },
    { spec: 'file:///opt/h.js', specifier: 'file:///opt/h.js' },
  ];
  it.each(cases)('$spec → $specifier', ({ spec, specifier }) => {
    expect(handlerSpecifier(spec, '/srv/app')).toBe(specifier);
  });
});

describe('loadHandler', () => {
  it.each(builtInHandlerNames)('loads the built-in %s', async (name) => {
    const handler = await loadHandler(name, name === 'cpu' ? { costUs: '1', calibrateMs: '5' } : {});
    expect(typeof handler.handle).toBe('function');
  });

  it('fails with CONFIG_INVALID for an unknown handler', async () => {
    await expect(loadHandler('nope')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('loads a handler by path (the test handler throw-on-marker), which throws on marked records only', async () => {
    const handler = await loadHandler(testHandler('throw-on-marker'), { marker: 'bad' });
    expect(handler.handle(handlerRecord({ marker: 'good' }))).toBeUndefined();
    expect(() => handler.handle(handlerRecord('bad'))).toThrow(/marker "bad"/);
    expect(() => handler.handle(handlerRecord(1, { headers: { 'lagscale-test-marker': 'bad' } }))).toThrow();
  });
});

describe('handlerIsStateful', () => {
  it.each([
    { handler: 'sensor-alerts', stateful: true },
    { handler: 'noop', stateful: false },
    { handler: 'user-events', stateful: false },
    { handler: testHandler('thread-keys'), stateful: true },
    { handler: testHandler('always-throw'), stateful: false },
  ])('$handler → $stateful', async ({ handler, stateful }) => {
    expect(await handlerIsStateful(handler)).toBe(stateful);
  });

  it('fails like loadHandler for an unknown handler', async () => {
    await expect(handlerIsStateful('nope')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('handler mistakes a person makes', () => {
  it('a misspelt built-in names the built-ins only and how to load any other handler', async () => {
    const attempt = loadHandler('sensor-alert');
    await expect(attempt).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(attempt).rejects.toThrow('unknown handler "sensor-alert": the built-ins are noop, cpu, sensor-alerts, user-events, io-wait; any other handler is a module path');
  });

  it.each<{ handler: string; options: Record<string, string>; message: string }>([
    { handler: 'sensor-alerts', options: { windowMS: '1000' }, message: 'sensor-alerts handler has no option "windowMS": its options are alertsTopic, statsTopic, windowMs, slideMs, maxSensors' },
    { handler: 'noop', options: { costUs: '5' }, message: 'noop handler has no option "costUs": it takes no options' },
  ])('rejects an unknown option of $handler, naming the valid ones', async ({ handler, options, message }) => {
    await expect(loadHandler(handler, options)).rejects.toThrow(message);
  });
});
