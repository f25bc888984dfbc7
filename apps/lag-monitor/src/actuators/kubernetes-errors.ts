import { ApiException, FetchError } from '@kubernetes/client-node';
import { AppError, type ErrorCode } from '@lagscale/kafka-core/errors';

/** The two calls the actuator makes, named as RBAC verbs so a 403 says what to grant. */
export type ScaleVerb = 'get' | 'patch';

/** What a message needs to point at: the Deployment, the API server, the bound that applied. */
export interface ScaleTarget {
  namespace: string;
  deployment: string;
  server: string;
  requestTimeoutMs: number;
}

/**
 * kafka-core's codes for what the Kubernetes API answers. Callers branch on `retriable` (and on
 * AUTH_FAILED / CONFIG_INVALID to tell the user to fix something).
 */
export const KUBERNETES_ERROR_CODES = {
  unreachable: 'API_UNREACHABLE',
  timeout: 'TIMEOUT',
  unauthorized: 'AUTH_FAILED',
  forbidden: 'AUTH_FAILED',
  notFound: 'CONFIG_INVALID',
  rejected: 'INTERNAL',
  serverError: 'INTERNAL',
  unknown: 'INTERNAL',
} as const satisfies Record<string, ErrorCode>;

/** The RBAC rule the actuator needs, quoted by the 403 message (and granted by rbac.yaml). */
export const REQUIRED_RBAC = 'get and patch on deployments/scale in the "apps" API group';

/** Kubernetes answers errors with a Status object; its `message` is the useful part. */
export function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

export function timeoutError(verb: ScaleVerb, target: ScaleTarget, cause?: unknown): AppError {
  const { namespace, deployment, server, requestTimeoutMs } = target;
  return new AppError(
    KUBERNETES_ERROR_CODES.timeout,
    `kubernetes API at ${server} did not answer ${verb} deployments/scale ${namespace}/${deployment} within ${requestTimeoutMs} ms`,
    { cause, retriable: true, details: { verb, namespace, deployment, server } },
  );
}

/** Translates what @kubernetes/client-node throws into an AppError a user can act on. */
export function fromKubernetesError(err: unknown, verb: ScaleVerb, target: ScaleTarget): AppError {
  if (err instanceof AppError) return err;
  const { namespace, deployment, server } = target;
  const what = `${verb} deployments/scale ${namespace}/${deployment}`;
  const details = { verb, namespace, deployment, server };
  if (err instanceof ApiException) {
    const status = err.code;
    const said = statusMessage(err.body);
    const suffix = said === undefined ? '' : `: ${said}`;
    const withStatus = { ...details, status };
    if (status === 401) {
      return new AppError(
        KUBERNETES_ERROR_CODES.unauthorized,
        `kubernetes API at ${server} rejected the credentials for ${what} (401 Unauthorized): check the kubeconfig user or the service account token`,
        { cause: err, retriable: false, details: withStatus },
      );
    }
    if (status === 403) {
      return new AppError(
        KUBERNETES_ERROR_CODES.forbidden,
        `kubernetes API at ${server} forbids ${what} (403 Forbidden${suffix}). The service account needs a Role granting ${REQUIRED_RBAC} (resourceNames: ${deployment}), bound in namespace ${namespace}: see deploy/k8s/base/lag-monitor/rbac.yaml`,
        { cause: err, retriable: false, details: withStatus },
      );
    }
    if (status === 404) {
      return new AppError(
        KUBERNETES_ERROR_CODES.notFound,
        `deployment ${namespace}/${deployment} not found (kubernetes API at ${server}): check the configured namespace and deployment name`,
        { cause: err, retriable: false, details: withStatus },
      );
    }
    // 409, 429 and 5xx pass: another writer won a race, the server sheds load or restarts.
    if (status === 409 || status === 429 || status >= 500) {
      return new AppError(KUBERNETES_ERROR_CODES.serverError, `${what} failed: kubernetes API at ${server} answered ${status}${suffix}`, {
        cause: err,
        retriable: true,
        details: withStatus,
      });
    }
    return new AppError(KUBERNETES_ERROR_CODES.rejected, `${what} failed: kubernetes API at ${server} answered ${status}${suffix}`, {
      cause: err,
      retriable: false,
      details: withStatus,
    });
  }
  // node-fetch reports a failed connection (refused, reset, DNS, TLS) as a FetchError of type "system".
  if (err instanceof FetchError && err.type === 'system') {
    return new AppError(KUBERNETES_ERROR_CODES.unreachable, `cannot reach the kubernetes API at ${server} for ${what} (${err.message})`, {
      cause: err,
      retriable: true,
      details: { ...details, errno: err.code },
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError(KUBERNETES_ERROR_CODES.unknown, `${what} failed: ${message}`, { cause: err, retriable: false, details });
}
