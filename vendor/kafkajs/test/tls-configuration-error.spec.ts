import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireSrc } from './own-files.js';

type Connection = new (options: Record<string, unknown>) => { connect(): Promise<void>; disconnect(): Promise<void> };
const isTlsConfigurationError = requireSrc('./network/tlsConfigurationError.js') as (e: { code?: string } | null | undefined) => boolean;
const Connection = requireSrc('./network/connection.js') as Connection;
const socketFactory = (requireSrc('./network/socketFactory.js') as () => unknown)();
const { KafkaJSConnectionError } = requireSrc('./errors.js') as { KafkaJSConnectionError: new (message: string, options?: { retriable?: boolean }) => Error & { retriable: boolean } };

describe('TLS configuration errors are not retriable', () => {
  it.each([
    { code: 'SELF_SIGNED_CERT_IN_CHAIN', expected: true },
    { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', expected: true },
    { code: 'ERR_TLS_CERT_ALTNAME_INVALID', expected: true },
    { code: 'ERR_SSL_WRONG_VERSION_NUMBER', expected: true },
    { code: 'ECONNREFUSED', expected: false },
    { code: 'ECONNRESET', expected: false },
    { code: undefined, expected: false },
  ])('$code → $expected', ({ code, expected }) => {
    expect(isTlsConfigurationError(code === undefined ? {} : { code })).toBe(expected);
  });

  it('KafkaJSConnectionError stays retriable unless told otherwise', () => {
    expect(new KafkaJSConnectionError('x').retriable).toBe(true);
    expect(new KafkaJSConnectionError('x', { retriable: false }).retriable).toBe(false);
  });

  describe('a connection that speaks TLS to a plaintext port', () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      // Answers the ClientHello with bytes that are not TLS, as a Kafka PLAINTEXT listener does.
      server = createServer((socket) => socket.once('data', () => socket.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      port = typeof address === 'object' && address !== null ? address.port : 0;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fails with a non-retriable KafkaJSConnectionError', async () => {
      const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, namespace: () => logger };
      const connection = new Connection({ host: '127.0.0.1', port, ssl: { rejectUnauthorized: true }, logger, socketFactory, connectionTimeout: 5_000 });
      const attempt = connection.connect();
      await expect(attempt).rejects.toMatchObject({ name: 'KafkaJSConnectionError', retriable: false });
      await connection.disconnect();
    });
  });
});
