import type { Command } from 'commander';
import {
  addEnvOptions,
  kafkaCliFlags,
  createKafka,
  createLogger,
  createOpsServer,
  createRegistry,
  flagsFor,
  loadFromFlags,
  loadKafkaConfig,
  runCommand,
  ConfigError,
  isAppError,
} from '@lagscale/kafka-core';
import { loadPartitioner, type LoadedPartitioner } from '@lagscale/kafka-core/partitioner';
import { generatorEnv, loadGeneratorSettings } from '../config/generator-config.js';
import { GeneratorRun, type RunSummary } from '../producer/generator-run.js';
import { createProgressReporter } from '../producer/progress.js';
import { profileFromSettings } from '../schedule/index.js';


const runFlags = flagsFor(generatorEnv);

// A partitioner module that is missing or exports none is a configuration error (exit 2).
async function partitionerFromSettings(spec: string): Promise<LoadedPartitioner> {
  try {
    return await loadPartitioner(spec, { setting: generatorEnv.partitioner.name });
  } catch (err) {
    if (isAppError(err) && err.code === 'CONFIG_INVALID') throw new ConfigError([err.message]);
    throw err;
  }
}

function printSummary(summary: RunSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  process.stdout.write(
    [
      `producer ${summary.producerId} → ${summary.topic} (${summary.workload})`,
      `  generated ${summary.generated}, acked ${summary.acked}, failed ${summary.failed}${summary.stoppedEarly ? ' (stopped early)' : ''}`,
      `  ${summary.ackedPerSec} records/s acknowledged over ${(summary.durationMs / 1000).toFixed(1)} s; ${summary.batches} requests; produce latency mean ${summary.meanLatencyMs.toFixed(1)} ms, max ${summary.maxLatencyMs.toFixed(1)} ms`,
    ].join('\n') + '\n',
  );
}

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('Generate a workload at a rate profile and produce it to a topic, with sequence headers for the verifier. Needs --topic, and --duration or --count.')
    .option('--json', 'print the final summary as one JSON line');
  const bindings = [...addEnvOptions(command, kafkaCliFlags), ...addEnvOptions(command, runFlags)];

  command.action(async (options: Record<string, unknown>) => {
    await runCommand(async () => {
      const { kafkaConfig, settings, profile, partitioner } = await loadFromFlags(bindings, options, async (source) => {
        const kafkaConfig = loadKafkaConfig(source);
        const settings = loadGeneratorSettings(source);
        return { kafkaConfig, settings, profile: await profileFromSettings(settings), partitioner: await partitionerFromSettings(settings.partitioner) };
      });
      const logger = createLogger({ name: 'producer-gen', level: kafkaConfig.logLevel, format: kafkaConfig.logFormat, destination: 'stderr' });
      const registry = createRegistry({ app: 'producer-gen' });
      const run = new GeneratorRun({ kafka: createKafka(kafkaConfig, logger), brokers: kafkaConfig.brokers, settings, profile, partitioner, registry, logger });
      const ops = createOpsServer({ registry, logger, host: settings.metricsHost, port: settings.metricsPort, readiness: { producing: () => true } });
      const progress = createProgressReporter(
        { snapshot: () => run.stats.snapshot(), targetRate: () => run.currentTargetRate(), producerState: () => run.producerState(), ...(settings.count !== undefined ? { total: settings.count } : {}) },
        { logger, intervalMs: settings.progressIntervalMs },
      );

      // SIGTERM/SIGINT end generation; what is buffered is still sent, then we exit 0.
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(130);
        logger.info({ signal }, 'stopping: flushing buffered records');
        run.stop();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);

      await ops.start();
      progress.start();
      try {
        const summary = await run.run();
        progress.stop();
        printSummary(summary, options.json === true);
        if (summary.failed > 0) {
          process.stderr.write(`error: ${summary.failed} records were not acknowledged by Kafka: ${run.lastFailure ?? 'unknown error'}\n`);
          return 1;
        }
        return 0;
      } finally {
        progress.stop();
        await ops.stop();
      }
    });
  });
}
