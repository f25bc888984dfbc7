import type { Command } from 'commander';
import {
  addEnvOptions,
  kafkaCliFlags,
  ConfigError,
  createKafka,
  createLogger,
  envVar,
  flagsFor,
  loadFromFlags,
  loadKafkaConfig,
  optionalEnvVar,
  parsers,
  readEnv,
  runCommand,
} from '@lagscale/kafka-core';
import { defaultVerifyTopicOptions, verifyTopic, type ExpectedCounts, type TopicSequenceReport } from '@lagscale/kafka-core/sequence';

export const verifyEnv = {
  topic: envVar('VERIFY_TOPIC', parsers.string(), { description: 'Topic to read and check (an input topic or a consumer output topic)' }),
  expected: optionalEnvVar('VERIFY_EXPECTED', parsers.string(), {
    description: 'Records sent: a total (e.g. 20000) or per producer (id=count,id=count); finds loss at the tail too',
  }),
  timeout: envVar('VERIFY_TIMEOUT', parsers.duration(), { description: 'Give up after this long (a duration: 30s, 2m)', default: defaultVerifyTopicOptions.timeoutMs }),
  failOnDuplicates: envVar('VERIFY_FAIL_ON_DUPLICATES', parsers.bool(), {
    description: 'Exit non-zero on duplicates too (at-least-once allows them)',
    default: false,
  }),
};

const verifyFlags = flagsFor(verifyEnv);

/** `20000` or `producer-a=100,producer-b=250`. */
export function parseExpected(raw: string | undefined): ExpectedCounts | undefined {
  if (raw === undefined) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const counts: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (match === null) throw new ConfigError([`VERIFY_EXPECTED must be a count or id=count pairs (got "${raw}")`]);
    counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

export function formatReport(report: TopicSequenceReport): string {
  const lines = [
    `topic ${report.topic}: ${report.recordsRead} records read from ${report.endOffsets.length} partitions`,
    `  producers ${report.totals.producers}, distinct ${report.totals.seen}, duplicates ${report.totals.duplicates}, gaps ${report.totals.gaps}, ` +
      `key order violations ${report.totals.keyOrderViolations}, unsequenced ${report.totals.unsequenced}` +
      (report.totals.expected === null ? '' : `, expected ${report.totals.expected} (shortfall ${report.totals.shortfall})`),
  ];
  for (const p of report.producers) {
    lines.push(
      `  ${p.producerId}: seen ${p.seen}/${p.expected ?? (p.maxSeq === null ? 0 : p.maxSeq + 1)}, duplicates ${p.duplicates}, gaps ${p.gaps}, key order violations ${p.keyOrderViolations}`,
    );
    if (p.missingRanges.length > 0) {
      lines.push(`    missing: ${p.missingRanges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(', ')}${p.missingRangesTruncated ? ', …' : ''}`);
    }
    for (const e of p.examples.slice(0, 5)) {
      lines.push(`    ${e.kind} seq ${e.seq} key ${e.key ?? '(none)'} keySeq ${e.keySeq} at partition ${e.partition} offset ${e.offset}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerVerifyCommand(program: Command): void {
  const command = program
    .command('verify')
    .description('Read a topic and report, per producer, records seen, gaps, duplicates and per-key order violations')
    .option('--json', 'print the report as JSON');
  const bindings = [...addEnvOptions(command, kafkaCliFlags), ...addEnvOptions(command, verifyFlags)];

  command.action(async (options: Record<string, unknown>) => {
    await runCommand(async () => {
      const { kafkaConfig, settings, expected } = await loadFromFlags(bindings, options, (source) => {
        const kafkaConfig = loadKafkaConfig(source);
        const settings = readEnv(verifyEnv, source);
        return { kafkaConfig, settings, expected: parseExpected(settings.expected) };
      });
      const logger = createLogger({ name: 'producer-gen', level: kafkaConfig.logLevel === 'info' ? 'warn' : kafkaConfig.logLevel, format: kafkaConfig.logFormat, destination: 'stderr' });
      const report = await verifyTopic(createKafka(kafkaConfig, logger), {
        topic: settings.topic,
        timeoutMs: settings.timeout,
        logger,
        ...(expected !== undefined ? { expected } : {}),
      });
      process.stdout.write(options.json === true ? `${JSON.stringify(report)}\n` : formatReport(report));
      const t = report.totals;
      const lost = t.gaps > 0 || t.shortfall > 0;
      const failed = lost || t.keyOrderViolations > 0 || (settings.failOnDuplicates && t.duplicates > 0);
      return failed ? 1 : 0;
    });
  });
}
