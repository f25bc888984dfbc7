import type { OffsetsReport } from './group-offsets.js';
import { describeMembers } from './group-offsets.js';
import type { PartitionReset, ResetSpec } from './reset-plan.js';

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function specText(spec: ResetSpec): string {
  switch (spec.kind) {
    case 'earliest':
      return 'to the earliest offset';
    case 'latest':
      return 'to the latest offset';
    case 'offset':
      return `to offset ${spec.offset}`;
    case 'shift':
      return `by ${spec.by > 0 ? '+' : ''}${spec.by}`;
    case 'datetime':
      return `to the first record at or after ${new Date(spec.timestampMs).toISOString()}`;
  }
}

const dash = (value: number | null) => (value === null ? '-' : String(value));

function change(p: PartitionReset): string {
  if (p.reprocess > 0) return `reprocess ${p.reprocess} (offsets ${p.target}..${p.target + p.reprocess - 1})`;
  if (p.skip > 0) return `skip ${p.skip} (offsets ${p.current}..${p.target - 1})`;
  if (p.current === null) return `first commit: reads ${p.lagAfter} record(s)`;
  return 'unchanged';
}

/** The report as a person reads it: one line per partition, then what happens next. */
export function formatReport(report: OffsetsReport): string {
  const lines: string[] = [];
  const members = report.members.length === 0 ? 'no members' : `${report.members.length} member(s): ${describeMembers(report.members)}`;
  lines.push(`group ${report.groupId}: ${report.state}, ${members}`);
  if (report.spec === null) {
    lines.push(
      table(
        ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-START', 'LOG-END', 'LAG'],
        report.partitions.map((p) => [p.topic, String(p.partition), dash(p.current), String(p.start), String(p.end), p.current === null ? '-' : String(p.end - p.current)]),
      ),
    );
    return `${lines.join('\n')}\n`;
  }
  lines.push(`reset ${specText(report.spec)}${report.executed ? '' : ' (dry run)'}:`);
  lines.push(
    table(
      ['TOPIC', 'PARTITION', 'CURRENT', 'NEW', 'LOG-START', 'LOG-END', 'LAG-AFTER', 'CHANGE'],
      report.partitions.map((p) => [p.topic, String(p.partition), dash(p.current), String(p.target), String(p.start), String(p.end), String(p.lagAfter), change(p)]),
    ),
  );
  const reprocess = report.partitions.reduce((sum, p) => sum + p.reprocess, 0);
  const skip = report.partitions.reduce((sum, p) => sum + p.skip, 0);
  lines.push(`${reprocess} record(s) to reprocess, ${skip} to skip.`);
  if (report.executed) lines.push('Offsets committed.');
  else if (report.members.length > 0) lines.push('Nothing changed. --execute is refused while the group has members: stop its consumers first.');
  else lines.push('Nothing changed: add --execute to commit these offsets.');
  return `${lines.join('\n')}\n`;
}
