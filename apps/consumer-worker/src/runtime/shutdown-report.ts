/** One partition's records left uncommitted when the worker stops. */
export interface UncommittedPartition {
  topic: string;
  partition: number;
  records: number;
}

/** Partitions named in the line; the rest are summed up. */
const MAX_LISTED = 8;

/**
 * The shutdown line about redelivery. Pure. Records fetched and not committed when the worker
 * leaves its group (not started, or done behind one that was not) are read again by the
 * partition's next owner: at-least-once, so they are processed twice when they had run.
 */
export function redeliveryReport(uncommitted: readonly UncommittedPartition[]): { level: 'info' | 'warn'; message: string; fields: Record<string, unknown> } {
  const total = uncommitted.reduce((n, p) => n + p.records, 0);
  if (total === 0) return { level: 'info', message: 'stopped with every fetched record finished and committed: nothing will be redelivered', fields: { redelivered: 0 } };
  const sorted = [...uncommitted].sort((a, b) => b.records - a.records || a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const listed = sorted.slice(0, MAX_LISTED).map((p) => `${p.topic}[${p.partition}] ${p.records}`);
  const rest = sorted.length - listed.length;
  const perPartition = `${listed.join(', ')}${rest > 0 ? `, and ${rest} more partitions` : ''}`;
  return {
    level: 'warn',
    message: `${total} fetched records were not committed and will be redelivered to the group (${perPartition})`,
    fields: { redelivered: total, partitions: Object.fromEntries(sorted.map((p) => [`${p.topic}[${p.partition}]`, p.records])) },
  };
}
