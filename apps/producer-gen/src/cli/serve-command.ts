import type { Command } from 'commander';
import { addEnvOptions, kafkaCliFlags, createLogger, flagsFor, loadFromFlags, loadKafkaConfig, reportFatal, runService } from '@lagscale/kafka-core';
import { createIngestService, ingestEnv, loadIngestConfig } from '../ingest/index.js';


const serveFlags = flagsFor(ingestEnv);

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('Run the HTTP ingest gateway: POST /v1/topics/:topic/records, plus /metrics /healthz /readyz');
  const bindings = [...addEnvOptions(command, kafkaCliFlags), ...addEnvOptions(command, serveFlags)];

  command.action(async (options: Record<string, unknown>) => {
    const { kafkaConfig, ingestConfig } = await loadFromFlags(bindings, options, (source) => ({
      kafkaConfig: loadKafkaConfig(source),
      ingestConfig: loadIngestConfig(source),
    })).catch((err: unknown) => process.exit(reportFatal(err)));
    const logger = createLogger({ name: 'producer-gen', level: kafkaConfig.logLevel, format: kafkaConfig.logFormat });
    const service = createIngestService({ kafkaConfig, ingestConfig, logger });
    await runService(service, { logger, shutdownTimeoutMs: 30_000 });
    if (service.address !== undefined) logger.info({ url: service.address.url }, 'ingest gateway listening');
  });
}
