import { createRequire } from 'node:module';
import kafkajs, { type LagscaleFeature, type LagscaleFork, type ProtocolCompressionCodec } from 'kafkajs';
import { AppError } from '../errors/app-error.js';

/**
 * The kafkajs the toolkit runs on is vendor/kafkajs (kafkajs 2.2.4 plus our commits, see its
 * CHANGES.md and decision 0008), installed under the name `kafkajs` as an npm workspace. Its
 * additions are reached only through here: `kafkajsFork()` for its API, and the checks below so
 * that an app on any other kafkajs stops with a message instead of quietly losing its fast paths.
 */
export const KAFKAJS_FORK = {
  version: '2.2.4-lagscale',
  /** What the toolkit's code relies on: producer-gen the first and the last, consumer-worker the first three. */
  features: ['produce-fast-path', 'raw-record-sets', 'protocol-exports', 'write-order', 'idempotent-pipeline'],
} as const satisfies { version: string; features: readonly LagscaleFeature[] };

/**
 * What a loaded kafkajs module lacks of the fork, one line per problem (empty: nothing). Pure,
 * so specs can hand it fakes: upstream kafkajs has no `lagscale` export; an older fork may lack
 * a feature.
 */
export function kafkajsForkProblems(module: unknown): string[] {
  const fork: unknown = typeof module === 'object' && module !== null ? (module as { lagscale?: unknown }).lagscale : undefined;
  if (typeof fork !== 'object' || fork === null) return ['it has no `lagscale` export, so it is not vendor/kafkajs (kafkajs from the registry, or an install that skipped the workspace)'];
  const { features, protocol, version } = fork as Partial<Record<keyof LagscaleFork, unknown>>;
  const problems: string[] = [];
  const present = Array.isArray(features) ? (features as unknown[]) : [];
  const missing = KAFKAJS_FORK.features.filter((feature) => !present.includes(feature));
  if (missing.length > 0) problems.push(`it lacks ${missing.join(', ')} (it says it is ${typeof version === 'string' ? version : 'an unnamed version'})`);
  if (typeof protocol !== 'object' || protocol === null) problems.push('its `lagscale.protocol` export is missing');
  return problems;
}

/** How often the process took the fork's own paths (`lagscale.counters()`). */
export type KafkajsForkCounters = ReturnType<LagscaleFork['counters']>;

/** Where the `kafkajs` this module loads lives, and the version its package.json names. */
export function loadedKafkajs(): { path: string; version: string } {
  const require = createRequire(import.meta.url);
  try {
    const manifest = require.resolve('kafkajs/package.json');
    return { path: manifest.replace(/[\\/]package\.json$/, ''), version: (require(manifest) as { version?: string }).version ?? 'unknown' };
  } catch {
    return { path: 'unknown', version: 'unknown' };
  }
}

/**
 * The fork's API if `module` (the loaded kafkajs by default) is the fork with every feature the
 * toolkit uses; else a KAFKAJS_INCOMPATIBLE error that says what is missing, where the module
 * came from and how to install it. Never retriable: a restart loads the same files.
 */
export function assertKafkajsFork(module: unknown = kafkajs, loaded: { path: string; version: string } = loadedKafkajs()): LagscaleFork {
  const problems = kafkajsForkProblems(module);
  if (problems.length === 0) return (module as { lagscale: LagscaleFork }).lagscale;
  throw new AppError(
    'KAFKAJS_INCOMPATIBLE',
    `the kafkajs loaded from ${loaded.path} (version ${loaded.version}) is not the toolkit's: ${problems.join('; ')}. ` +
      `lagscale needs kafkajs ${KAFKAJS_FORK.version} from vendor/kafkajs: install from the repository root with \`npm ci\` (or \`npm ci --omit=dev\`), which links it as a workspace.`,
    { retriable: false, details: { problems, ...loaded } },
  );
}

let checked: LagscaleFork | undefined;

/** The loaded fork's API, or undefined on another kafkajs: for what only reports (metrics). */
export function kafkajsForkIfLoaded(): LagscaleFork | undefined {
  return kafkajsForkProblems(kafkajs).length === 0 ? (kafkajs as unknown as { lagscale: LagscaleFork }).lagscale : undefined;
}

/** The loaded fork's API (`require('kafkajs').lagscale`), checked once; throws KAFKAJS_INCOMPATIBLE. */
export function kafkajsFork(): LagscaleFork {
  checked ??= assertKafkajsFork();
  return checked;
}

/**
 * kafkajs's compression codec for a record batch's attributes: null for uncompressed; a codec
 * kafkajs lacks throws its KafkaJSNotImplemented, naming it.
 */
export function lookupCodecByAttributes(attributes: number): ProtocolCompressionCodec | null {
  return kafkajsFork().protocol.lookupCodecByAttributes(attributes);
}
