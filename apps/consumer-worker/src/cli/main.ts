#!/usr/bin/env node
// consumer-worker: consumes a topic with a worker-thread pool, per-key ordering and safe commits.
import { Command } from 'commander';
import { addEnvOptions, configureCliHelp, ENV_HELP, createLogger, flagSource, flagsFor, kafkaCliFlags, loadKafkaConfig, reportFatal, runService, withFlagNames } from '@lagscale/kafka-core';
import { addRenamedWorkerFlags, loadWorkerSettings, workerEnv } from '../config/worker-config.js';
import { createConsumerService } from '../runtime/consumer-service.js';
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
  const deprecated: string[] = [];
  try {
    const source = flagSource(bindings, options);
    kafkaConfig = loadKafkaConfig(source);
    settings = loadWorkerSettings(source, (line) => deprecated.push(line));
  } catch (err) {
    for (const line of deprecated) process.stderr.write(`warning: ${line}\n`);
    process.exit(reportFatal(withFlagNames(err, bindings)));
  }
  const logger = createLogger({ name: 'consumer-worker', level: kafkaConfig.logLevel, format: kafkaConfig.logFormat });
  for (const line of deprecated) logger.warn(line);
  const service = createConsumerService({ kafkaConfig, settings, logger });
  // The logged and enforced bound is the documented one: the service keeps its stop within it.
  await runService(service, { logger, shutdownTimeoutMs: settings.shutdownTimeoutMs });
});
registerOffsetsCommand(program);
await program.parseAsync(process.argv);
