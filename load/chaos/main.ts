#!/usr/bin/env node
// `npm run chaos [-- --profile reduced]`: the pipeline under faults, one at a time and then
// together (see fault-plan.ts), each phase checked by the sequence verifier. Prints the table,
// writes load/results/chaos.{json,md}, exits 1 when a phase lost records, went over its duplicate
// bound or never recovered.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { runCommand } from '@lagscale/kafka-core';
import { consumerWorkerBuildIsFresh } from '@lagscale/lag-monitor';
import { repoRoot } from '../runner/stack/app-process.ts';
import { writeChaosReport } from './chaos-report.ts';
import { formatChaosTable, rowPassed } from './chaos-table.ts';
import { CHAOS_PROFILES, chaosPlan, validatePlan, type ChaosProfile } from './fault-plan.ts';
import { runChaos } from './run-chaos.ts';

const program = new Command('chaos')
  .description('Run the pipeline (producer-gen → consumer-worker replicas scaled by lag-monitor → output topic) while injecting faults; verify nothing was lost')
  .addOption(new Option('--profile <profile>', 'full: every fault alone, then together; reduced: the quick ones (what npm test runs)').choices(CHAOS_PROFILES).default('full'))
  .option('--no-write', 'print the table only; leave load/results alone');

program.action(async (options: { profile: ChaosProfile; write: boolean }) => {
  await runCommand(async () => {
    const plan = chaosPlan(options.profile);
    const problems = validatePlan(plan);
    if (problems.length > 0) throw new Error(`chaos plan: ${problems.join('; ')}`);
    if (!consumerWorkerBuildIsFresh()) {
      console.log('note: consumer-worker is not built (or older than its sources), so replicas start through tsx and cost more CPU; `npx nx run @lagscale/consumer-worker:build` first for the figures the results compare');
    }
    const abort = new AbortController();
    const onSignal = () => {
      if (abort.signal.aborted) process.exit(130);
      console.log('\ninterrupted: stopping every process of the run and its broker (Ctrl-C again to force)');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const runDir = join(repoRoot, 'reports', 'chaos', new Date().toISOString().replace(/\D/g, '').slice(0, 14));
    const started = Date.now();
    const log = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s ${line}`);
    const { rows, durationMs } = await runChaos({ plan, runDir, log, signal: abort.signal });
    console.log(`\n${formatChaosTable(rows)}\n`);
    if (options.write) {
      const { markdownPath } = await writeChaosReport(plan, rows, durationMs);
      console.log(`(written to ${markdownPath} and chaos.json; logs in ${runDir})`);
    }
    const failed = rows.filter((row) => !rowPassed(row));
    if (failed.length > 0) console.log(`failed: ${failed.map((row) => row.phase).join(', ')}`);
    return failed.length === 0 ? 0 : 1;
  });
});

await program.parseAsync(process.argv);
