import { AppError } from '@lagscale/kafka-core/thread';
import { z } from 'zod';
import { rejectUnknownOptions } from './option-names.js';

/**
 * Parses a handler's string options with its zod schema (use `z.coerce` for numbers) and throws
 * a `CONFIG_INVALID` error naming the handler and each bad option; an option the schema (a
 * `z.object`) does not list is rejected with the list of valid ones.
 */
export function parseHandlerOptions<S extends z.ZodType>(
  handlerName: string,
  schema: S,
  options: Record<string, string>,
): z.output<S> {
  if (schema instanceof z.ZodObject) rejectUnknownOptions(handlerName, Object.keys(schema.shape as Record<string, unknown>), options);
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const given = path === '' ? undefined : options[path];
    return `${handlerName} handler option ${path || '(options)'} ${issue.message}${given === undefined ? '' : ` (got "${given}")`}`;
  });
  throw new AppError('CONFIG_INVALID', problems.join('; '), { retriable: false });
}
