import { describe, expect, it } from 'vitest';
import { builtInHandlerDocs, handlerOptionsHelp, handlerOptionsMarkdown } from './catalog.js';
import { builtInHandlerNames, loadHandler } from './registry.js';

/** The options a loaded handler accepts, as its own "no option" error lists them. */
async function acceptedOptions(handler: string): Promise<string[]> {
  try {
    await loadHandler(handler, { 'no-such-option': 'x' });
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('it takes no options')) return [];
    const listed = /its options are (.*)$/.exec(message)?.[1];
    if (listed !== undefined) return listed.split(', ');
    throw err;
  }
  throw new Error(`${handler} accepted an unknown option`);
}

describe('built-in handler catalogue', () => {
  it('documents every built-in handler, in the order of the registry', () => {
    expect(builtInHandlerDocs().map((doc) => doc.name)).toEqual(builtInHandlerNames);
  });

  it.each(builtInHandlerNames)('lists exactly the options the %s handler accepts, each described', async (name) => {
    const doc = builtInHandlerDocs().find((d) => d.name === name);
    expect(doc?.options.map((o) => o.name)).toEqual(await acceptedOptions(name));
    for (const option of doc?.options ?? []) expect(option.description, `${name} ${option.name}`).not.toBe('');
  });

  it('shows the defaults the handlers apply', () => {
    const options = Object.fromEntries(builtInHandlerDocs().map((doc) => [doc.name, Object.fromEntries(doc.options.map((o) => [o.name, o.defaultText]))]));
    expect(options.cpu).toEqual({ costUs: '200', calibrateMs: '30', passThrough: 'false' });
    expect(options['sensor-alerts']).toEqual({ alertsTopic: '', statsTopic: '', windowMs: '60000', slideMs: '0', maxSensors: '100000' });
    expect(options['io-wait']).toMatchObject({ passThrough: 'true' });
  });

  it('prints every option with its default in the help, within 80 columns', () => {
    const help = handlerOptionsHelp();
    for (const doc of builtInHandlerDocs()) {
      expect(help).toContain(`  ${doc.name}: `);
      for (const option of doc.options) expect(help).toMatch(new RegExp(`^    ${option.name}=`, 'm'));
    }
    expect(help).toContain('statsTopic=(empty): Topic for per-sensor window statistics');
    expect(Math.max(...help.split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('gives the README one table row per handler and per option', () => {
    const rows = handlerOptionsMarkdown().split('\n').slice(2);
    const docs = builtInHandlerDocs();
    expect(rows).toHaveLength(docs.length + docs.reduce((n, doc) => n + doc.options.length, 0));
    expect(rows).toContain('| | `maxSensors` | `100000` | Sensors whose open windows a thread keeps; beyond, the least recently started is evicted and its open windows emitted partial (evicted) |');
  });
});
