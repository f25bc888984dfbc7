import type { Command } from 'commander';
import { addEnvOptions, kafkaCliFlags, createLogger, flagSource, flagsFor, loadKafkaConfig, reportFatal, runService, withFlagNames } from '@lagscale/kafka-core';
import { createIngestService, ingestEnv, loadIngestConfig } from '../ingest/index.js';


const serveFlags = flagsFor(ingestEnv);

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('Run the HTTP ingest gateway: POST /v1/topics/:topic/records, plus /metrics /healthz /readyz');
  const bindings = [...addEnvOptions(command, kafkaCliFlags), ...addEnvOptions(command, serveFlags)];

  command.action(async (options: Record<string, unknown>) => {
    let kafkaConfig: ReturnType<typeof loadKafkaConfig>;
    let ingestConfig: ReturnType<typeof loadIngestConfig>;
    try {
      const source = flagSource(bindings, options);
      kafkaConfig = loadKafkaConfig(source);
      ingestConfig = loadIngestConfig(source);
    } catch (err) {
      process.exit(reportFatal(withFlagNames(err, bindings)));
    }
    const logger = createLogger({ name: 'producer-gen', level: kafkaConfig.logLevel });
    const service = createIngestService({ kafkaConfig, ingestConfig, logger });
    await runService(service, { logger, shutdownTimeoutMs: 30_000 });
    if (service.address !== undefined) logger.info({ url: service.address.url }, 'ingest gateway listening');
  });
}
