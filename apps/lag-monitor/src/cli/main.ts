#!/usr/bin/env node
// lag-monitor: per-partition lag, health and time lag of consumer groups, Prometheus export, and
// a scaling policy that sets the consumer fleet's replica count.
import { Command } from 'commander';
import { limitHeapGrowth } from './heap-growth.js';
import { addEnvOptions, configureCliHelp, ENV_HELP, createLogger, flagsFor, kafkaCliFlags, loadFromFlags, loadKafkaConfig, reportFatal, runService } from '@lagscale/kafka-core';
import { loadMonitorSettings, monitorEnv, monitorShutdownTimeoutMs } from '../config/monitor-config.js';
import { createMonitorService } from '../runtime/monitor-service.js';

limitHeapGrowth();

const program = configureCliHelp(new Command('lag-monitor')
  .description('Watch consumer-group lag, export it to Prometheus, and scale the consumer fleet on it')
  .addHelpText('after', ENV_HELP));
const bindings = [...addEnvOptions(program, kafkaCliFlags), ...addEnvOptions(program, flagsFor(monitorEnv))];
program.action(async (options: Record<string, unknown>) => {
  const { kafkaConfig, settings } = await loadFromFlags(bindings, options, (source) => ({
    kafkaConfig: loadKafkaConfig(source),
    settings: loadMonitorSettings(source),
  })).catch((err: unknown) => process.exit(reportFatal(err)));
  const logger = createLogger({ name: 'lag-monitor', level: kafkaConfig.logLevel, format: kafkaConfig.logFormat });
  const service = createMonitorService({ kafkaConfig, settings, logger });
  await runService(service, { logger, shutdownTimeoutMs: monitorShutdownTimeoutMs(settings.local.stopTimeoutMs) });
});
await program.parseAsync(process.argv);
