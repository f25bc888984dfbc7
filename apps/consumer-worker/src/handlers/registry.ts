import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '@lagscale/kafka-core/thread';
import type { Handler, HandlerModule } from './handler.js';

/** Handlers loadable by name; any other handler is loaded by path or module specifier. */
export const builtInHandlers = {
  noop: () => import('./noop.js'),
  cpu: () => import('./cpu.js'),
  'sensor-alerts': () => import('./sensor-alerts.js'),
  'user-events': () => import('./user-events.js'),
  'io-wait': () => import('./io-wait.js'),
} as const satisfies Record<string, () => Promise<HandlerModule>>;

export type BuiltInHandlerName = keyof typeof builtInHandlers;

export const builtInHandlerNames = Object.keys(builtInHandlers) as BuiltInHandlerName[];

export function isBuiltInHandler(name: string): name is BuiltInHandlerName {
  return Object.hasOwn(builtInHandlers, name);
}

/**
 * The import specifier of a handler that is not built in: a path (absolute, or relative to
 * the working directory, so it means the same in every thread) becomes a file URL; anything
 * else (a package name, a file: URL) is imported as given.
 */
export function handlerSpecifier(spec: string, cwd = process.cwd()): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(cwd, spec)).href;
  return spec;
}

/**
 * Imports a handler module by built-in name, path or module specifier and calls its factory.
 * Throws `CONFIG_INVALID` when the module cannot be imported or has no factory as its default
 * export; a factory's own errors (bad options) pass through.
 */
export async function loadHandler(spec: string, options: Record<string, string> = {}): Promise<Handler> {
  const module = await importHandlerModule(spec);
  const handler = await module.default(options);
  if (typeof handler?.handle !== 'function') throw configError(`handler factory of "${spec}" returned no object with a handle() method`);
  if (handler.revoke !== undefined && typeof handler.revoke !== 'function') throw configError(`handler of "${spec}" has a revoke that is not a function`);
  return handler;
}

/**
 * Whether the handler module declares per-key state (`export const stateful = true`): imports
 * the module (as `loadHandler` does, same errors) without calling its factory.
 */
export async function handlerIsStateful(spec: string): Promise<boolean> {
  return (await importHandlerModule(spec)).stateful === true;
}

async function importHandlerModule(spec: string): Promise<HandlerModule> {
  let module: Partial<HandlerModule>;
  try {
    module = isBuiltInHandler(spec) ? await builtInHandlers[spec]() : ((await import(handlerSpecifier(spec))) as Partial<HandlerModule>);
  } catch (error) {
    const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:');
    if (!looksLikePath && isModuleNotFound(error)) {
      throw configError(`unknown handler "${spec}": the built-ins are ${builtInHandlerNames.join(', ')}; any other handler is a module path (./my-handler.js)`);
    }
    throw configError(`cannot load handler "${spec}" (built-ins: ${builtInHandlerNames.join(', ')})`, error);
  }
  if (typeof module.default !== 'function') throw configError(`handler module "${spec}" has no factory function as its default export`);
  return module as HandlerModule;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function configError(message: string, cause?: unknown): Error {
  return new AppError('CONFIG_INVALID', message, { cause, retriable: false });
}
