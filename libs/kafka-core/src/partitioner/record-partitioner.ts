import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../errors/app-error.js';
import { partitionForKey } from './murmur2.js';

/** The built-in partitioners, by the name `--partitioner` takes. */
export const PARTITIONER_NAMES = ['murmur2', 'round-robin', 'random'] as const;
export type PartitionerName = (typeof PARTITIONER_NAMES)[number];

/** What a partitioner sees of one record. */
export interface PartitionerInput {
  topic: string;
  partitionCount: number;
  /** null for a keyless record. */
  key: string | Buffer | null;
  value: Buffer | null;
}

/**
 * Picks the partition of one record, 0 ≤ p < partitionCount. A module given to `--partitioner`
 * exports one as `partition` (or as its default export); a kafkajs `createPartitioner` export is
 * taken as well.
 */
export type RecordPartitioner = (record: PartitionerInput) => number;

/** A partitioner and where it came from, for messages. */
export interface LoadedPartitioner {
  name: string;
  /** False for murmur2: keyless records are then placed by the caller (sticky per batch or request). */
  placesKeyless: boolean;
  partition: RecordPartitioner;
}

/**
 * murmur2: keyed records where the Java client puts them (`toPositive(murmur2(key)) % n`),
 * keyless ones round-robin. round-robin and random ignore the key.
 */
export function builtInPartitioner(name: PartitionerName): LoadedPartitioner {
  switch (name) {
    case 'murmur2': {
      let next = -1;
      return {
        name,
        placesKeyless: false,
        partition: ({ key, partitionCount }) => (key === null ? (next = (next + 1) % partitionCount) : partitionForKey(key, partitionCount)),
      };
    }
    case 'round-robin': {
      let next = -1;
      return { name, placesKeyless: true, partition: ({ partitionCount }) => (next = (next + 1) % partitionCount) };
    }
    case 'random':
      return { name, placesKeyless: true, partition: ({ partitionCount }) => Math.floor(Math.random() * partitionCount) };
  }
}

const isBuiltIn = (spec: string): spec is PartitionerName => (PARTITIONER_NAMES as readonly string[]).includes(spec);

type KafkajsPartitioner = (args: { topic: string; partitionMetadata: Array<{ partitionId: number; leader: number }>; message: { key: string | Buffer | null; value: Buffer | null } }) => number;

// A kafkajs partitioner sees partition metadata; every partition is offered, all with a leader.
function fromKafkajs(create: () => KafkajsPartitioner): RecordPartitioner {
  const pick = create();
  const metadata = new Map<number, Array<{ partitionId: number; leader: number }>>();
  return ({ topic, partitionCount, key, value }) => {
    let partitionMetadata = metadata.get(partitionCount);
    if (partitionMetadata === undefined) metadata.set(partitionCount, (partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0 }))));
    return pick({ topic, partitionMetadata, message: { key, value } });
  };
}

/**
 * The partitioner `spec` names: a built-in name, or the path of an ES or CommonJS module
 * (relative to `cwd`) exporting `partition`, a default function, or kafkajs's `createPartitioner`.
 * Every result is checked (`checkedPartition`), so a module that answers out of range fails with
 * its name, not a broker error.
 */
export async function loadPartitioner(spec: string, options: { cwd?: string; setting?: string } = {}): Promise<LoadedPartitioner> {
  const setting = options.setting ?? '--partitioner';
  if (isBuiltIn(spec)) return builtInPartitioner(spec);
  const path = isAbsolute(spec) ? spec : resolve(options.cwd ?? process.cwd(), spec);
  if (!existsSync(path)) {
    throw new AppError('CONFIG_INVALID', `${setting} must be ${PARTITIONER_NAMES.join(', ')} or the path of a module exporting a partitioner (no file at ${path})`, { retriable: false });
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${setting}: cannot load ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err, retriable: false });
  }
  // A CommonJS module's exports arrive as `default`.
  const named = exports.partition !== undefined || exports.createPartitioner !== undefined || typeof exports.default !== 'object' || exports.default === null ? exports : (exports.default as Record<string, unknown>);
  let partition: RecordPartitioner;
  if (typeof named.partition === 'function') partition = named.partition as RecordPartitioner;
  else if (typeof named.createPartitioner === 'function') partition = fromKafkajs(named.createPartitioner as () => KafkajsPartitioner);
  else if (typeof exports.default === 'function') partition = exports.default as RecordPartitioner;
  else {
    throw new AppError('CONFIG_INVALID', `${setting}: ${path} exports no partitioner (export a function named "partition", a default function, or a kafkajs "createPartitioner")`, { retriable: false });
  }
  return { name: path, placesKeyless: true, partition };
}

/** `partitioner`'s answer for `record`, or a CONFIG_INVALID error naming it when that is no partition of the topic. */
export function checkedPartition(partitioner: LoadedPartitioner, record: PartitionerInput): number {
  const partition = partitioner.partition(record);
  if (!Number.isInteger(partition) || partition < 0 || partition >= record.partitionCount) {
    throw new AppError(
      'CONFIG_INVALID',
      `partitioner ${partitioner.name} returned ${String(partition)} for topic ${record.topic}, which has partitions 0–${record.partitionCount - 1}`,
      { retriable: false },
    );
  }
  return partition;
}
