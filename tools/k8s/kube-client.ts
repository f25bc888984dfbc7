// What tests do on the test API server, over its REST API: namespaces, TokenRequest tokens,
// server-side apply with dry-run, CRDs, and reading the audit log. Plain HTTPS, so what is sent
// is exactly the manifest (a typed client would drop fields it does not know before the server
// could reject them).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { ApiServer } from './api-server.js';

export const TEST_FIELD_MANAGER = 'lagscale-tests';

/** The smallest part of a Kubernetes object every helper here reads. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  [field: string]: unknown;
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON (a Status object for errors), or the raw text when not JSON. */
  body: unknown;
  /** The server's Warning headers (deprecations, Pod Security warnings, unknown fields). */
  warnings: string[];
}

/** One bearer-token identity on the server: what a kubectl with that token would be. */
export interface KubeRest {
  request(method: string, path: string, options?: { body?: unknown; contentType?: string; query?: Record<string, string> }): Promise<KubeResponse>;
}

export function kubeRest(server: Pick<ApiServer, 'url' | 'caFile'>, token: string): KubeRest {
  const ca = readFileSync(server.caFile);
  return {
    request(method, path, options = {}) {
      const url = new URL(path, server.url);
      for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
      const payload = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method,
            ca,
            timeout: 30_000,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(payload === undefined ? {} : { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown = text;
              try {
                body = JSON.parse(text);
              } catch {
                // not JSON: keep the text
              }
              const warning = res.headers.warning;
              const warnings = (warning === undefined ? [] : Array.isArray(warning) ? warning : [warning]).map((w) => w.replace(/^\d{3} \S+ /, ''));
              resolve({ status: res.statusCode ?? 0, body, warnings });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}

/** The message of a Status body, else a short form of the body. */
export function statusText(response: KubeResponse): string {
  const message = (response.body as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : `HTTP ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`;
}

/** Sends a request and returns its JSON body, throwing with the server's message unless 2xx. */
export async function expectOk<T = unknown>(rest: KubeRest, method: string, path: string, options?: Parameters<KubeRest['request']>[2]): Promise<T> {
  const response = await rest.request(method, path, options);
  if (response.status < 200 || response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${statusText(response)}`);
  return response.body as T;
}

/** A client-node KubeConfig for the server with a bearer token, for code under test that takes one. */
export function kubeConfigFor(server: Pick<ApiServer, 'url' | 'caFile'>, token: string, user = 'lagscale-test-user'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lagscale-test', server: server.url, caFile: server.caFile }],
    users: [{ name: user, token }],
    contexts: [{ name: 'lagscale-test', cluster: 'lagscale-test', user }],
    currentContext: 'lagscale-test',
  });
  return kc;
}

/** Writes a kubeconfig file for a token, for processes that read one (lag-monitor's --kubeconfig). */
export async function writeTokenKubeconfig(path: string, server: Pick<ApiServer, 'url' | 'caFile'>, token: string, user: string): Promise<void> {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: lagscale-test',
    `    cluster: { server: "${server.url}", certificate-authority: "${server.caFile}" }`,
    'users:',
    `  - name: ${user}`,
    `    user: { token: "${token}" }`,
    'contexts:',
    '  - name: lagscale-test',
    `    context: { cluster: lagscale-test, user: ${user} }`,
    'current-context: lagscale-test',
    '',
  ].join('\n');
  await writeFile(path, text, { mode: 0o600 });
}

/** A namespace of the test's own (`<prefix>-<random>`); the server is thrown away after the run. */
export async function createTestNamespace(admin: KubeRest, prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await expectOk(admin, 'POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'lagscale.test/namespace': 'true', ...labels } } },
  });
  return name;
}

/**
 * A service-account token from the TokenRequest API, as the kubelet gets one for a pod. Bound to
 * a Pod object when given, so the API server (and its audit log) knows which pod acts.
 */
export async function requestServiceAccountToken(
  admin: KubeRest,
  namespace: string,
  serviceAccount: string,
  options: { pod?: { name: string; uid: string }; expirationSeconds?: number } = {},
): Promise<string> {
  const body = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      expirationSeconds: options.expirationSeconds ?? 3_600,
      ...(options.pod === undefined ? {} : { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: options.pod.name, uid: options.pod.uid } }),
    },
  };
  const response = await expectOk<{ status?: { token?: string } }>(admin, 'POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, { body });
  const token = response.status?.token;
  if (token === undefined || token === '') throw new Error(`TokenRequest for ${namespace}/${serviceAccount} returned no token`);
  return token;
}

/** Every object of a multi-document YAML text, in order; empty documents skipped. */
export function parseObjects(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message ?? ''}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null && typeof object === 'object');
}

export async function readObjects(path: string): Promise<KubeObject[]> {
  return parseObjects(await readFile(path, 'utf8'));
}

/** `Kind namespace/name`, for messages. */
export function describeObject(object: KubeObject): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind ?? '?'} ${namespace === undefined ? '' : `${namespace}/`}${object.metadata?.name ?? '?'}`;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * kind → REST path, from the server's discovery documents (as kubectl finds them). A group
 * version is read once, and again when a kind is missing (a CRD installed since).
 */
export function createResourceMapper(rest: KubeRest): (object: KubeObject) => Promise<{ collection: string; namespaced: boolean }> {
  const cache = new Map<string, ApiResource[]>();
  async function resources(apiVersion: string, refresh: boolean): Promise<ApiResource[]> {
    const cached = cache.get(apiVersion);
    if (cached !== undefined && !refresh) return cached;
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const response = await rest.request('GET', path);
    const list = response.status === 200 ? ((response.body as { resources?: ApiResource[] }).resources ?? []) : [];
    cache.set(apiVersion, list);
    return list;
  }
  return async (object) => {
    const apiVersion = object.apiVersion ?? '';
    const find = (list: ApiResource[]) => list.find((r) => r.kind === object.kind && !r.name.includes('/'));
    const resource = find(await resources(apiVersion, false)) ?? find(await resources(apiVersion, true));
    if (resource === undefined) throw new Error(`${describeObject(object)}: the server does not serve kind ${object.kind ?? '?'} in ${apiVersion || '(no apiVersion)'}`);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const namespace = object.metadata?.namespace;
    const scope = resource.namespaced ? `/namespaces/${namespace ?? 'default'}` : '';
    return { collection: `${prefix}${scope}/${resource.name}`, namespaced: resource.namespaced };
  };
}

export interface ApplyRejection {
  object: string;
  status: number;
  message: string;
}

export interface ApplyWarning {
  object: string;
  warning: string;
}

/**
 * Server-side apply of each object, as `kubectl apply --server-side` sends it, with strict
 * field validation (an unknown or misspelt field is an error, not a warning). `dryRun: true`
 * sends dryRun=All: the server runs defaulting, validation and admission and stores nothing.
 * Returns every rejection instead of stopping at the first, so a test reports them all.
 */
export async function applyObjects(
  rest: KubeRest,
  objects: readonly KubeObject[],
  options: { dryRun?: boolean } = {},
): Promise<{ applied: KubeObject[]; rejected: ApplyRejection[]; warnings: ApplyWarning[] }> {
  const mapper = createResourceMapper(rest);
  const applied: KubeObject[] = [];
  const rejected: ApplyRejection[] = [];
  const warnings: ApplyWarning[] = [];
  for (const object of objects) {
    let collection: string;
    try {
      ({ collection } = await mapper(object));
    } catch (err) {
      rejected.push({ object: describeObject(object), status: 0, message: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const query: Record<string, string> = { fieldManager: TEST_FIELD_MANAGER, force: 'true', fieldValidation: 'Strict' };
    if (options.dryRun === true) query.dryRun = 'All';
    const response = await rest.request('PATCH', `${collection}/${object.metadata?.name ?? ''}`, { body: object, contentType: 'application/apply-patch+yaml', query });
    for (const warning of response.warnings) warnings.push({ object: describeObject(object), warning });
    if (response.status >= 200 && response.status < 300) applied.push(response.body as KubeObject);
    else rejected.push({ object: describeObject(object), status: response.status, message: statusText(response) });
  }
  return { applied, rejected, warnings };
}

/** Installs CRDs from YAML files and waits until the server serves each (condition Established). */
export async function installCrds(admin: KubeRest, paths: readonly string[], timeoutMs = 30_000): Promise<string[]> {
  const crds = (await Promise.all(paths.map(readObjects))).flat();
  const { rejected } = await applyObjects(admin, crds);
  if (rejected.length > 0) throw new Error(`CRDs rejected:\n${rejected.map((r) => `${r.object}: ${r.message}`).join('\n')}`);
  const names = crds.map((crd) => crd.metadata?.name ?? '');
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await expectOk<{ status?: { conditions?: { type: string; status: string }[] } }>(admin, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return names;
}

/** The fields of a kube-apiserver audit event (audit.k8s.io/v1 Event) that tests read. */
export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[]; extra?: Record<string, string[]> };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string };
  responseStatus?: { code?: number };
  requestObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

/** Every ResponseComplete event so far (the policy omits RequestReceived). */
export async function readAuditEvents(server: Pick<ApiServer, 'auditLog'>): Promise<AuditEvent[]> {
  let text: string;
  try {
    text = await readFile(server.auditLog, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((event) => event.stage === 'ResponseComplete');
}

/** The pod a bound service-account token belongs to, as the authenticator put it on the user. */
export function podOf(event: AuditEvent): string | undefined {
  return event.user.extra?.['authentication.kubernetes.io/pod-name']?.[0];
}
