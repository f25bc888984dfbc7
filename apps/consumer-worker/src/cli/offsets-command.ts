import { Option, type Command } from 'commander';
import { addEnvOptions, connectClient, createKafka, createLogger, kafkaCliFlags, loadFromFlags, loadKafkaConfig, readEnv, runCommand } from '@lagscale/kafka-core';
import { workerEnv } from '../config/worker-config.js';
import { formatReport, groupOffsets, parseSelection, resetSpecFromFlags, type OffsetsReport } from '../offsets/index.js';

const groupEnv = { groupId: workerEnv.groupId };

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `consumer-worker offsets`: a group's committed offsets per partition, and resets of them in
 * the terms of Kafka's `kafka-consumer-groups --reset-offsets` (same targets, same clamping).
 */
export function registerOffsetsCommand(program: Command): void {
  const command = program
    .command('offsets')
    .description("Show a consumer group's committed offsets, or reset them to replay (or skip) records: a dry run unless --execute")
    .addOption(new Option('--topic <topic[:partitions]>', 'topic to show or reset, all partitions or some (orders:0,2); repeatable (default: $CONSUMER_TOPIC)').argParser(collect))
    .option('--partitions <list>', 'only these partitions (0,2) of the topics given without their own list')
    .option('--all-topics', 'every topic the group has committed offsets on')
    .option('--to-earliest', 'reset to the log start offset')
    .option('--to-latest', 'reset to the log end offset (skip everything not yet read)')
    .option('--to-offset <offset>', 'reset to this offset (clamped into the log, as Kafka does)')
    .option('--shift-by <n>', 'move the committed offset by n (negative: replay n records), clamped into the log')
    .option('--to-datetime <time>', 'reset to the first record at or after this time: ISO 8601 (2026-12-07T04:00:00.000Z; no zone: local) or epoch ms')
    .option('--execute', 'commit the new offsets (refused while the group has members); without it nothing changes')
    .option('--json', 'print the report as JSON');
  const bindings = [...addEnvOptions(command, kafkaCliFlags), ...addEnvOptions(command, { group: workerEnv.groupId })];

  command.action(async (options: Record<string, unknown>) => {
    await runCommand(async () => {
      const { kafkaConfig, groupId } = await loadFromFlags(bindings, options, (source) => ({
        kafkaConfig: loadKafkaConfig(source),
        groupId: readEnv(groupEnv, source).groupId,
      }));
      const spec = resetSpecFromFlags(options);
      const topics = (options.topic as string[] | undefined) ?? (process.env.CONSUMER_TOPIC ? [process.env.CONSUMER_TOPIC] : []);
      const selection = parseSelection(topics, options.partitions as string | undefined);
      const logger = createLogger({ name: 'consumer-worker', level: kafkaConfig.logLevel === 'info' ? 'warn' : kafkaConfig.logLevel });
      const admin = createKafka(kafkaConfig, logger).admin();
      await connectClient(admin, { brokers: kafkaConfig.brokers, what: 'consumer-worker offsets' });
      let report: OffsetsReport;
      try {
        report = await groupOffsets(admin, { groupId, selection, allTopics: options.allTopics === true, spec, execute: options.execute === true });
      } finally {
        await admin.disconnect();
      }
      process.stdout.write(options.json === true ? `${JSON.stringify(report)}\n` : formatReport(report));
      return 0;
    });
  });
}
