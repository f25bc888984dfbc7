import { AppError } from '@lagscale/kafka-core/thread';

/**
 * Throws a `CONFIG_INVALID` error naming every option a handler does not take and the ones it
 * does: a misspelt option must not be ignored silently. Free of zod, so a handler without
 * options (noop) checks them without loading it in every thread.
 */
export function rejectUnknownOptions(handlerName: string, known: readonly string[], options: Record<string, string>): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const valid = known.length === 0 ? 'it takes no options' : `its options are ${known.join(', ')}`;
  throw new AppError('CONFIG_INVALID', `${handlerName} handler has no option ${unknown.map((k) => `"${k}"`).join(', ')}: ${valid}`, { retriable: false });
}
