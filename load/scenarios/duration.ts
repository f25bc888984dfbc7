// Durations as people write them (`500ms`, `30s`, `2m`, `1h`, `1m30s`), shared by the runner's
// flags and the k6 scripts' environment.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/** Milliseconds of `30s`, `1m30s`, `250ms`; a bare number is milliseconds. Throws on anything else. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length) throw new Error(`"${text}" is not a duration (e.g. 500ms, 30s, 2m, 1m30s)`);
  return Math.round(total);
}

/** k6's duration form: whole milliseconds. */
export function k6Duration(ms: number): string {
  return `${Math.round(ms)}ms`;
}
