// Shared by the HTTP ingest suites: a service on the test broker with small limits, and plain
// fetch helpers (real HTTP on 127.0.0.1, no inject).
import { createRegistry, silentLogger } from '@lagscale/kafka-core';
import { testKafkaConfig } from '@lagscale/kafka-core/testing';
import { createIngestService, defaultIngestConfig, type IngestConfig, type IngestService } from '../src/ingest/index.js';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface PostOptions {
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
  headers?: Record<string, string>;
}

export async function post(service: IngestService, topic: string, body: unknown, options: PostOptions = {}): Promise<HttpResult> {
  const response = await fetch(`${service.address?.url}/v1/topics/${encodeURIComponent(topic)}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export async function get(service: IngestService, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${service.address?.url}${path}`);
  return { status: response.status, text: await response.text() };
}

/** Small limits, so each one is crossed with a small request. */
export const testLimits = { maxRecordsPerRequest: 100, maxRecordBytes: 1_024, maxRequestBytes: 64 * 1_024 } satisfies Partial<IngestConfig>;

export async function startService(overrides: Partial<IngestConfig> = {}): Promise<IngestService> {
  const service = createIngestService({
    kafkaConfig: testKafkaConfig(),
    ingestConfig: { ...defaultIngestConfig, port: 0, ...testLimits, ...overrides },
    logger: silentLogger(),
    registry: createRegistry({ app: 'producer-gen', defaultMetrics: false }),
  });
  await service.start();
  return service;
}
