#!/usr/bin/env node
// consumer-worker: consumes a topic with a worker-thread pool, per-key ordering and safe commits.
// Imported up front: what reading the settings needs, and the worker pool. Its threads then load
// their code and the handler while this thread loads the rest (kafkajs, prom-client, pino, the
// dispatcher and the runtime: ~200 ms of CPU), instead of after it (docs/decisions/0026).
import { Command } from 'commander';
import { addEnvOptions, configureCliHelp, ENV_HELP, flagSource, flagsFor, kafkaCliFlags, loadKafkaConfig, withFlagNames } from '@lagscale/kafka-core/config';
import { addRenamedWorkerFlags, loadWorkerSettings, workerEnv, workerPoolOptions } from '../config/worker-config.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { registerOffsetsCommand } from './offsets-command.js';

// The handlers' section of --help reads their option schemas, which loads every built-in handler
// and zod (~90 ms of CPU): only when help is asked for, not at every start (docs/decisions/0026).
// Help printed after a usage error points to --help for it instead.
const helpAsked = process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h' || arg === 'help');
const handlersHelp = helpAsked
  ? (await import('../handlers/catalog.js')).handlerOptionsHelp()
  : '\nBuilt-in handlers (--handler) and their options (--handler-options): see consumer-worker --help.';

const program = configureCliHelp(new Command('consumer-worker')
  .description('Consume a Kafka topic on a worker-thread pool: per-key order, at-least-once, retries and a dead-letter topic')
  // Options before a subcommand are the worker's, after it the subcommand's (both have --topic).
  .enablePositionalOptions()
  .addHelpText('after', `${handlersHelp}\n${ENV_HELP}`));
const bindings = [
  ...addEnvOptions(program, kafkaCliFlags),
  ...addEnvOptions(program, flagsFor(workerEnv)),
  ...addRenamedWorkerFlags(program),
];
program.action(async (options: Record<string, unknown>) => {
  let kafkaConfig: ReturnType<typeof loadKafkaConfig>;
  let settings: ReturnType<typeof loadWorkerSettings>;
  let pool: WorkerPool;
  const deprecated: string[] = [];
  try {
    const source = flagSource(bindings, options);
    kafkaConfig = loadKafkaConfig(source);
    settings = loadWorkerSettings(source, (line) => deprecated.push(line));
    pool = new WorkerPool(workerPoolOptions(settings));
  } catch (err) {
    for (const line of deprecated) process.stderr.write(`warning: ${line}\n`);
    const { reportFatal } = await import('@lagscale/kafka-core/lifecycle');
    process.exit(reportFatal(withFlagNames(err, bindings)));
  }
  // A failure to start is reported by the service's start, which waits for this same promise.
  pool.start().catch(() => undefined);
  const [{ createLogger }, { runService }, { createConsumerService }] = await Promise.all([
    import('@lagscale/kafka-core/observability'),
    import('@lagscale/kafka-core/lifecycle'),
    import('../runtime/consumer-service.js'),
  ]);
  const logger = createLogger({ name: 'consumer-worker', level: kafkaConfig.logLevel, format: kafkaConfig.logFormat });
  for (const line of deprecated) logger.warn(line);
  const service = createConsumerService({ kafkaConfig, settings, logger, pool });
  // The logged and enforced bound is the documented one: the service keeps its stop within it.
  await runService(service, { logger, shutdownTimeoutMs: settings.shutdownTimeoutMs });
});
registerOffsetsCommand(program);
await program.parseAsync(process.argv);
