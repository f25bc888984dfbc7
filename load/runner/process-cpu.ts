// CPU time of a process the runner started (the ingest), read from /proc: how much of the cores a
// stage cost it, per record. Linux only; elsewhere the figure is left out.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on every Linux the runner meets). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU ms from the text of `/proc/<pid>/stat`; undefined when it is not one. */
export function cpuMsFromStat(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may hold spaces: fields count after its ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || fields.length < 13) return undefined;
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** CPU ms the process used so far, or undefined (no /proc, or it exited). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return cpuMsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}
