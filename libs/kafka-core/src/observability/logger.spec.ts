import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level: 'info' | 'debug'): { lines: () => Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'test', level, destination });
  return { logger, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('logs an error as its type, code and message, one line, without its stack at info', () => {
    const { logger, lines } = capture('info');
    const err = Object.assign(new Error('boom'), { code: 'BROKER_UNREACHABLE' });
    logger.error({ err }, 'failed');
    const [line] = lines();
    expect(line?.err).toMatchObject({ type: 'Error', message: 'boom', code: 'BROKER_UNREACHABLE' });
    expect(JSON.stringify(line)).not.toContain('\\n    at ');
  });

  it('keeps the stack at debug', () => {
    const { logger, lines } = capture('debug');
    logger.error({ err: new Error('boom') }, 'failed');
    expect(String((lines()[0]?.err as { stack?: string }).stack)).toContain('at ');
  });
});
