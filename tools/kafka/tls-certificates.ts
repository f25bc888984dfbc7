import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaToolError } from './embedded-broker.js';

const run = promisify(execFile);

/** A test CA, a broker certificate it signed (for 127.0.0.1 and localhost), and a CA that did not sign it. */
export interface TestCertificates {
  /** PEM of the CA that signed the broker's certificate: what clients trust (KAFKA_SSL_CA_FILE). */
  caFile: string;
  /** PEM of an unrelated CA: a client trusting only this must refuse the broker. */
  otherCaFile: string;
  /** PKCS#12 keystore with the broker's key and certificate chain, for ssl.keystore.location. */
  keystoreFile: string;
  keystorePassword: string;
}

export const defaultCertificateOptions = { days: 2, keyBits: 2_048 } as const;

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() ?? String(err);
    throw new KafkaToolError('SCRIPT_FAILED', `openssl ${args[0]} failed: ${detail}`, { cause: err });
  }
}

/**
 * Generates certificates into `dir` with openssl (throwaway: short-lived, unencrypted keys), for a
 * test broker's SSL and SASL_SSL listeners.
 */
export async function generateTestCertificates(dir: string): Promise<TestCertificates> {
  const { days, keyBits } = defaultCertificateOptions;
  const selfSigned = (name: string, cn: string) =>
    openssl(['req', '-x509', '-newkey', `rsa:${keyBits}`, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', String(days), '-subj', `/CN=${cn}`], dir);
  await Promise.all([selfSigned('ca', 'lagscale test CA'), selfSigned('other-ca', 'lagscale unrelated CA')]);
  await openssl(['req', '-newkey', `rsa:${keyBits}`, '-nodes', '-keyout', 'broker.key', '-out', 'broker.csr', '-subj', '/CN=localhost'], dir);
  // Clients verify the host name they dialled: the certificate names both ways to reach the broker.
  await writeFile(join(dir, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'broker.pem', '-days', String(days), '-extfile', 'broker.ext'], dir);
  const keystorePassword = 'lagscale-test-keystore';
  await openssl(['pkcs12', '-export', '-in', 'broker.pem', '-inkey', 'broker.key', '-certfile', 'ca.pem', '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${keystorePassword}`], dir);
  return { caFile: join(dir, 'ca.pem'), otherCaFile: join(dir, 'other-ca.pem'), keystoreFile: join(dir, 'broker.p12'), keystorePassword };
}

/**
 * Broker properties for an SSL and a SASL_SSL (SCRAM-SHA-512) listener next to the PLAINTEXT one
 * kafka.sh probes for readiness. SCRAM users go in through the formatter (`scramCredentials`).
 */
export function tlsListenerProperties(ports: { plaintext: number; controller: number; ssl: number; saslSsl: number }, certificates: TestCertificates): Record<string, string> {
  const { plaintext, controller, ssl, saslSsl } = ports;
  return {
    listeners: `PLAINTEXT://127.0.0.1:${plaintext},CONTROLLER://127.0.0.1:${controller},SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${saslSsl}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${plaintext},SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${saslSsl}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL',
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': certificates.keystoreFile,
    'ssl.keystore.password': certificates.keystorePassword,
    'ssl.key.password': certificates.keystorePassword,
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
}
