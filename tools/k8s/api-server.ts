import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Environment variables read by k8s.sh and by these helpers. */
export const K8S_ENV = {
  instance: 'K8S_INSTANCE',
  apiPort: 'K8S_API_PORT',
  etcdPort: 'K8S_ETCD_PORT',
  waitTimeoutS: 'K8S_WAIT_TIMEOUT_S',
  installTimeoutS: 'K8S_INSTALL_TIMEOUT_S',
} as const;

/** What `k8s.sh install` builds or fetches; each is cached under .k8s/ by its version. */
export const K8S_TOOLS = ['etcd', 'kube-apiserver', 'kustomize', 'keda-crds', 'prometheus-operator-crds'] as const;
export type K8sTool = (typeof K8S_TOOLS)[number];

export const K8S_TOOL_ERROR_CODES = ['INVALID_OPTION', 'SCRIPT_FAILED'] as const;
export type K8sToolErrorCode = (typeof K8S_TOOL_ERROR_CODES)[number];

/** Errors of the API server tooling; tools/ stands alone, so it does not use kafka-core's AppError. */
export class K8sToolError extends Error {
  readonly code: K8sToolErrorCode;
  readonly retriable = false;

  constructor(code: K8sToolErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'K8sToolError';
    this.code = code;
  }
}

/** Where the cached tools are (k8s.sh paths); nothing is installed by reading them. */
export interface K8sToolPaths {
  kubeApiserver: string;
  kustomize: string;
  kedaCrdDir: string;
  prometheusOperatorCrdDir: string;
  etcd: string;
  kubernetesVersion: string;
  kustomizeVersion: string;
  kedaVersion: string;
  prometheusOperatorVersion: string;
}

/** A running kube-apiserver on etcd, as k8s.sh start left it (its server.json). */
export interface ApiServer {
  instance: string;
  /** `https://127.0.0.1:<port>`; TLS verifies against `caFile`. */
  url: string;
  caFile: string;
  /** Bearer token of a `system:masters` user. */
  adminToken: string;
  /** An admin kubeconfig for the server. */
  kubeconfig: string;
  /** One JSON audit event per line (tools/k8s/audit-policy.yaml says which). */
  auditLog: string;
  apiserverLog: string;
  kubernetesVersion: string;
  /** False when the instance already ran: then stop() leaves it running. */
  startedByUs: boolean;
  /** Stops etcd and the API server if this call started them; one shared promise. */
  stop(): Promise<void>;
}

export interface StartApiServerOptions {
  /** Instance name (its state lives in .k8s/run/<instance>). Default: K8S_INSTANCE, else "default". */
  instance?: string;
  /** How long start waits for /readyz. Default: 60 s. */
  waitTimeoutS?: number;
  /** Receives k8s.sh's progress lines (stderr). Default: discarded. */
  log?: (line: string) => void;
}

const scriptPath = join(dirname(fileURLToPath(import.meta.url)), 'k8s.sh');

/**
 * Waits for a background install (started by `npm test`'s setup step) and installs what it left
 * missing. The first run builds kube-apiserver (about 10 minutes on 2 cores); later ones are instant.
 */
export async function installK8sTools(tools: readonly K8sTool[] = K8S_TOOLS, log?: (line: string) => void): Promise<void> {
  await runScript(['await-install', ...tools], process.env, log);
}

export async function k8sToolPaths(): Promise<K8sToolPaths> {
  const { stdout } = await runScript(['paths'], process.env);
  const values = Object.fromEntries(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const get = (key: string): string => values[key] ?? '';
  return {
    kubeApiserver: get('KUBE_APISERVER'),
    kustomize: get('KUSTOMIZE'),
    kedaCrdDir: get('KEDA_CRD_DIR'),
    prometheusOperatorCrdDir: get('PROMETHEUS_OPERATOR_CRD_DIR'),
    etcd: get('ETCD'),
    kubernetesVersion: get('KUBERNETES_VERSION'),
    kustomizeVersion: get('KUSTOMIZE_VERSION'),
    kedaVersion: get('KEDA_VERSION'),
    prometheusOperatorVersion: get('PROMETHEUS_OPERATOR_VERSION'),
  };
}

/** `kustomize build <dir>` with the cached kustomize (built first if missing): the rendered YAML. */
export async function kustomizeBuild(dir: string): Promise<string> {
  const { stdout } = await runScript(['kustomize', 'build', dir], process.env);
  return stdout;
}

/**
 * Starts etcd and kube-apiserver on free 127.0.0.1 ports (installing them first if needed) and
 * resolves once /readyz answers 200. A running instance of the same name is reused, and then
 * stop() does nothing.
 */
export async function startApiServer(opts: StartApiServerOptions = {}): Promise<ApiServer> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.instance !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(opts.instance)) throw new K8sToolError('INVALID_OPTION', `instance must be letters, digits, '.', '_' or '-' (got "${opts.instance}")`);
    env[K8S_ENV.instance] = opts.instance;
  }
  if (opts.waitTimeoutS !== undefined) env[K8S_ENV.waitTimeoutS] = String(opts.waitTimeoutS);
  const { stdout } = await runScript(['start'], env, opts.log);
  const startedByUs = stdout.trim() === 'started';
  const state = await readServerState(join(repoRoot(), '.k8s', 'run', env[K8S_ENV.instance] || 'default'));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!startedByUs) return Promise.resolve();
    stopping ??= runScript(['stop'], env, opts.log).then(() => undefined);
    return stopping;
  };
  return { ...state, startedByUs, stop };
}

/**
 * Starts `k8s.sh install` detached at the lowest priority unless everything is installed or an
 * install already runs; returns at once. `installK8sTools` waits for it.
 */
export async function startBackgroundInstall(): Promise<'installed' | 'started' | 'running'> {
  const { stdout } = await runScript(['install-background'], process.env);
  return stdout.trim() as 'installed' | 'started' | 'running';
}

let shared: Promise<ApiServer> | undefined;

/**
 * The run's API server for a suite's beforeAll: waits for the tools (built on the first run,
 * which takes minutes: the k8s project's hook timeout allows it) and starts the run's instance
 * (K8S_INSTANCE, set by the global setup), or reuses it when an earlier suite started it. The
 * global teardown stops it.
 */
export function apiServerForTests(): Promise<ApiServer> {
  shared ??= (async () => {
    const log = (line: string) => console.log(`[k8s] ${line}`);
    await installK8sTools(K8S_TOOLS, log);
    return startApiServer({ log });
  })();
  return shared;
}

/** Stops an instance by name, whoever started it. */
export async function stopApiServer(instance: string, log?: (line: string) => void): Promise<void> {
  await runScript(['stop'], { ...process.env, [K8S_ENV.instance]: instance }, log);
}

type ServerState = Omit<ApiServer, 'startedByUs' | 'stop'>;

async function readServerState(runDir: string): Promise<ServerState> {
  const raw = JSON.parse(await readFile(join(runDir, 'server.json'), 'utf8')) as Record<string, unknown>;
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value === '') throw new K8sToolError('SCRIPT_FAILED', `${runDir}/server.json lacks "${key}"`);
    return value;
  };
  return {
    instance: text('instance'),
    url: text('url'),
    caFile: text('caFile'),
    adminToken: text('adminToken'),
    kubeconfig: text('kubeconfig'),
    auditLog: text('auditLog'),
    apiserverLog: text('apiserverLog'),
    kubernetesVersion: text('kubernetesVersion'),
  };
}

function repoRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

interface ScriptResult {
  stdout: string;
  stderr: string;
}

function runScript(args: string[], env: NodeJS.ProcessEnv, log?: (line: string) => void): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    execFile('bash', [scriptPath, ...args], { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (log) for (const line of stderr.split('\n')) if (line !== '') log(line);
      if (error) {
        const detail = stderr.trim() || error.message;
        reject(new K8sToolError('SCRIPT_FAILED', `k8s.sh ${args.slice(0, 2).join(' ')} failed:\n${detail}`, { cause: error }));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}
