// How each fault is injected into the running pipeline, and when it counts as cleared (the
// driver's part done: broker back, storm members gone, handler fast again). Recovery is measured
// from injection; the clear time only says from when the pipeline may be steady again.
import { access, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { killBroker, startEmbeddedBroker, type EmbeddedBroker, type ThrowawayBrokerOptions } from '../../tools/kafka/embedded-broker.ts';
import type { ChaosPlan, FaultKind } from './fault-plan.ts';
import { chaosConsumer, chaosTimeouts } from './chaos-settings.ts';
import { childPids, isRunning, signal, type ProcessSet, type Tracked } from './chaos-processes.ts';

export interface FaultContext {
  plan: ChaosPlan;
  procs: ProcessSet;
  brokerOptions: ThrowawayBrokerOptions;
  controlDir: string;
  /** The replicas' environment, for the storm's extra members. */
  replicaEnv: Record<string, string>;
  group: string;
  log: (line: string) => void;
  monitor(): Tracked;
  /** Starts lag-monitor and resolves once it answers /healthz. */
  restartMonitor(): Promise<void>;
  /** The group's members now (a fresh describe), undefined while the broker is away. */
  members(): Promise<number | undefined>;
  setBroker(broker: EmbeddedBroker): void;
}

/** Bounded poll for a condition: the driver's waits are on conditions, never on fixed sleeps. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`chaos: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const exists = (path: string) => access(path).then(() => true, () => false);

let killFiles = 0;
let stormRuns = 0;

/** Injects the fault and resolves once it is cleared, with a note when it did not go as planned. */
export async function injectFault(kind: FaultKind, ctx: FaultContext): Promise<string | undefined> {
  switch (kind) {
    case 'broker-kill': {
      await killBroker(ctx.brokerOptions.dataDir, 30_000);
      ctx.log('  broker SIGKILLed; starting it again');
      ctx.setBroker(await startEmbeddedBroker({ ...ctx.brokerOptions, deleteDataOnStop: true, waitTimeoutS: chaosTimeouts.brokerStartS }));
      return undefined;
    }
    case 'consumer-kill': {
      const replicas = childPids(ctx.monitor().child.pid ?? -1);
      const victim = replicas[0];
      if (victim === undefined) throw new Error('chaos: consumer-kill found no replica of lag-monitor to kill');
      signal(victim, 'SIGKILL');
      await until(() => !isRunning(victim), 10_000, `replica pid ${victim} gone after SIGKILL`);
      ctx.log(`  replica pid ${victim} SIGKILLed`);
      return undefined;
    }
    case 'thread-crash': {
      killFiles += 1;
      const file = join(ctx.controlDir, `kill-thread-${killFiles}`);
      await writeFile(file, '');
      // The handler deletes the file when a thread claims it, just before that thread ends.
      await until(async () => !(await exists(file)), 60_000, 'a worker thread to claim the kill file');
      ctx.log('  a worker thread ended itself');
      return undefined;
    }
    case 'monitor-kill': {
      const monitor = ctx.monitor();
      const orphans = childPids(monitor.child.pid ?? -1);
      monitor.child.kill('SIGKILL');
      await monitor.exited;
      // Nothing runs in a SIGKILLed process; its replicas notice that it is gone
      // (LAGSCALE_SUPERVISOR_PID) and stop by themselves: drain, commit, leave the group. One
      // still running past its own shutdown timeout fails the phase (and is SIGKILLed).
      ctx.procs.adopt(orphans);
      const stopBy = chaosConsumer.shutdownTimeoutMs + 10_000;
      await until(() => orphans.every((pid) => !isRunning(pid)), stopBy, "the killed lag-monitor's replicas to stop by themselves").catch((err: unknown) => {
        for (const pid of orphans) signal(pid, 'SIGKILL');
        throw err;
      });
      ctx.log(`  lag-monitor SIGKILLed, its ${orphans.length} replica(s) stopped by themselves; starting it again`);
      await ctx.restartMonitor();
      return undefined;
    }
    case 'rebalance-storm': {
      stormRuns += 1;
      // The driver supervises its extra replicas as the actuator does its own: one that exits
      // before the peak (a replica cannot start while the broker is away) is started again.
      const slots = Array.from({ length: ctx.plan.stormPeak - 1 }, (_, i) => i);
      const running = new Map<number, Tracked>();
      const startSlot = (i: number) =>
        running.set(i, ctx.procs.replica(`storm-${stormRuns}-${i}`, { ...ctx.replicaEnv, CONSUMER_GROUP_ID: ctx.group, KAFKA_CLIENT_ID: `chaos-storm-${i}` }));
      slots.forEach(startSlot);
      let peak = 0;
      let restarts = 0;
      try {
        await until(
          async () => {
            for (const [i, replica] of running) {
              if (replica.child.exitCode !== null || replica.child.signalCode !== null) {
                restarts += 1;
                startSlot(i);
              }
            }
            peak = Math.max(peak, (await ctx.members()) ?? 0);
            return peak >= ctx.plan.stormPeak;
          },
          chaosTimeouts.stormJoinMs,
          `${ctx.plan.stormPeak} members in the group`,
          250,
        );
        ctx.log(`  storm: ${peak} members; the extra ${slots.length} leave`);
      } catch {
        ctx.log(`  storm: ${peak} members at most within ${chaosTimeouts.stormJoinMs / 1000} s; the extra ${slots.length} leave`);
        return `storm peaked at ${peak} of ${ctx.plan.stormPeak} members`;
      } finally {
        const extra = [...running.values()];
        for (const replica of extra) replica.child.kill('SIGTERM');
        await Promise.all(extra.map((replica) => replica.exited));
      }
      return restarts > 0 ? `storm replicas started again ${restarts} time(s)` : undefined;
    }
    case 'slow-handler': {
      const file = join(ctx.controlDir, 'slow');
      await writeFile(file, String(ctx.plan.slowMs));
      // The fault is the slow period itself: its length is the schedule, not a wait for a condition.
      await new Promise((resolve) => setTimeout(resolve, ctx.plan.slowForMs));
      await unlink(file);
      return undefined;
    }
  }
}
