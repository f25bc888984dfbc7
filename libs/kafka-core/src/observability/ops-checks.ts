import { AppError } from '../errors/app-error.js';

/** A readiness check: returns true, or a short reason why not ready. */
export type ReadinessCheck = () => boolean | string | Promise<boolean | string>;

/** The `/readyz` answer: ready only when every check passes; each check's outcome by name. */
export async function runChecks(checks: Map<string, ReadinessCheck>): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  let ready = true;
  for (const [name, check] of checks) {
    try {
      const outcome = await check();
      if (outcome === true) {
        results[name] = 'ok';
      } else {
        ready = false;
        results[name] = outcome === false ? 'not ready' : outcome;
      }
    } catch (err) {
      ready = false;
      results[name] = err instanceof Error ? err.message : String(err);
    }
  }
  return { ready, checks: results };
}

/**
 * A listen error as the user should see it: a port in use or needing privileges names the flag
 * to change (default `--metrics-port`); anything else is passed on as it is.
 */
export function listenFailure(err: unknown, host: string, port: number, portFlag = '--metrics-port'): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return err;
  const why = code === 'EADDRINUSE' ? 'is in use (another process, or a second replica on this host)' : 'needs privileges';
  return new AppError('CONFIG_INVALID', `cannot listen on ${host}:${port}: the port ${why}. Set ${portFlag} to a free port, or 0 for any free port`, { cause: err, retriable: false });
}
