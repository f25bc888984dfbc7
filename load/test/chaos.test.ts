// The chaos suite's reduced form (`npm run chaos -- --profile reduced`): the whole pipeline
// (producer-gen run → consumer-worker replicas started by lag-monitor's local actuator → output
// topic) on a broker of its own, each fault but the storm injected alone; the sequence verifier
// then reads the input and the output topics. Every fault: nothing lost, duplicates within the
// bound the consumer's settings allow, and the pipeline steady again.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../runner/stack/app-process.ts';
import { formatChaosTable } from '../chaos/chaos-table.ts';
import { chaosPlan, faultsOf, validatePlan } from '../chaos/fault-plan.ts';
import { runChaos } from '../chaos/run-chaos.ts';

describe('chaos (reduced)', () => {
  const runDir = join(repoRoot, 'reports', 'chaos-test', `${Date.now()}`);
  let keepLogs = false;
  afterAll(async () => {
    if (!keepLogs) await rm(runDir, { recursive: true, force: true });
  });

  it('each fault alone: 0 lost on input and output, duplicates within the bound, steady again', { timeout: 480_000 }, async () => {
    const plan = chaosPlan('reduced');
    expect(validatePlan(plan)).toEqual([]);
    const lines: string[] = [];
    // The processes' logs stay in runDir when the test fails, and the failure names it.
    keepLogs = true;
    const { rows } = await runChaos({ plan, runDir, log: (line) => lines.push(line) }).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${lines.join('\n')}\n(logs: ${runDir})`, { cause: err });
    });
    const context = `${formatChaosTable(rows)}\n${lines.join('\n')}\n(logs: ${runDir})`;

    expect(rows.map((row) => row.phase), context).toEqual(plan.phases.map((phase) => phase.name));
    expect(faultsOf(plan).sort()).toEqual(rows.flatMap((row) => row.faults).sort());
    for (const row of rows) {
      expect({ phase: row.phase, lostInput: row.lostInput, lostOutput: row.lostOutput, duplicatesInput: row.duplicatesInput }, context).toEqual({
        phase: row.phase,
        lostInput: 0,
        lostOutput: 0,
        duplicatesInput: 0,
      });
      expect(row.records, context).toBeGreaterThan(0);
      expect(row.duplicatesOutput, `${row.phase}: duplicates within the bound\n${context}`).toBeLessThanOrEqual(row.bound.bound);
      expect(row.recoveryMs, `${row.phase}: steady again\n${context}`).toBeDefined();
    }
    keepLogs = false;
  });
});
