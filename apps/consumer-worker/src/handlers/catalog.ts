import { z } from 'zod';
import { cpuOptionsSchema } from './cpu.js';
import { ioWaitOptionsSchema } from './io-wait.js';
import { builtInHandlerNames, type BuiltInHandlerName } from './registry.js';
import { sensorAlertsOptionsSchema } from './sensor-alerts.js';
import { userEventsOptionsSchema } from './user-events.js';

/*
 * What each built-in handler does and the options it takes, read from the zod schemas the handlers
 * parse their options with (noop takes none and checks that without zod, so its empty schema is
 * here): `consumer-worker --help` and the README's list are both printed from
 * here, so neither can name an option a handler does not have or miss one it has. (Importing this
 * loads every built-in handler module: the CLI does, worker threads never do.)
 */

export interface HandlerOptionDoc {
  name: string;
  /** The default as it is written in `--handler-options`; '' for an empty one. */
  defaultText: string;
  description: string;
}

export interface HandlerDoc {
  name: BuiltInHandlerName;
  summary: string;
  options: HandlerOptionDoc[];
}

const catalog = {
  noop: { summary: 'Does nothing and produces nothing (measures the pipeline itself; values are not decoded).', schema: z.object({}) },
  cpu: { summary: 'Burns a fixed CPU cost per record (load tests of thread and replica counts).', schema: cpuOptionsSchema },
  'io-wait': { summary: 'Waits per record without using the CPU, then passes it on (an I/O-bound workload).', schema: ioWaitOptionsSchema },
  'sensor-alerts': {
    summary: 'An alert per out-of-range sensor reading (with the input\'s sequence headers), and optional per-sensor window statistics.',
    schema: sensorAlertsOptionsSchema,
  },
  'user-events': { summary: 'Counts user events per action; each thread emits a count record every emitEvery events.', schema: userEventsOptionsSchema },
} as const satisfies Record<BuiltInHandlerName, { summary: string; schema: z.ZodObject }>;

function optionDocs(schema: z.ZodObject): HandlerOptionDoc[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    // Parsing "not given" yields the default the handler applies, after any transform.
    const parsed = field.safeParse(undefined);
    return { name, defaultText: parsed.success && parsed.data !== undefined ? String(parsed.data) : '', description: field.description ?? '' };
  });
}

/** Every built-in handler with its options, in the order of the registry. */
export function builtInHandlerDocs(): HandlerDoc[] {
  return builtInHandlerNames.map((name) => ({ name, summary: catalog[name].summary, options: optionDocs(catalog[name].schema) }));
}

/** Words of `text` in lines of at most `width` columns: the first indented by `first`, the rest by `rest`. */
function wrap(text: string, first: number, rest: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let indent = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(' '.repeat(indent) + line);
      line = word;
      indent = rest;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(' '.repeat(indent) + line);
  return lines;
}

const optionText = (option: HandlerOptionDoc) => `${option.name}=${option.defaultText === '' ? '(empty)' : option.defaultText}`;

/** The handlers' section of `consumer-worker --help`, wrapped at `width` columns. */
export function handlerOptionsHelp(width = 80): string {
  const lines = ['', 'Built-in handlers (--handler) and their options (--handler-options', 'key=value,...; shown with their defaults):'];
  for (const doc of builtInHandlerDocs()) {
    lines.push(...wrap(`${doc.name}: ${doc.summary}`, 2, 6, width));
    if (doc.options.length === 0) lines.push('    (no options)');
    for (const option of doc.options) lines.push(...wrap(`${optionText(option)}: ${option.description}`, 4, 8, width));
  }
  lines.push(...wrap('Any other --handler is a module path: see the README (Handlers).', 2, 2, width));
  return lines.join('\n');
}

/** The README's list of built-in handlers and their options (Markdown). */
export function handlerOptionsMarkdown(): string {
  const lines = ['| Handler | Option | Default | Meaning |', '|:--|:--|:--|:--|'];
  for (const doc of builtInHandlerDocs()) {
    lines.push(`| \`${doc.name}\` | — | — | ${doc.summary.replaceAll('|', '\\|')} |`);
    for (const option of doc.options) {
      lines.push(`| | \`${option.name}\` | ${option.defaultText === '' ? '(empty)' : `\`${option.defaultText}\``} | ${option.description.replaceAll('|', '\\|')} |`);
    }
  }
  return lines.join('\n');
}
