export {
  KEY_DISTRIBUTIONS,
  MAX_KEY_COUNT,
  createKeyChooser,
  defaultKeyChooserOptions,
  keyName,
  type KeyChooser,
  type KeyChooserOptions,
  type KeyDistribution,
} from './key-distribution.js';
export { defaultProfileOptions, parseProfile, profileFromSettings, type ProfileOptions } from './profile-options.js';
export {
  PROFILE_KINDS,
  cumulativeAt,
  profileEndMs,
  rateAt,
  type ConstantProfile,
  type ProfileKind,
  type RampProfile,
  type RatePoint,
  type RateProfile,
  type SpikeProfile,
  type StepProfile,
  type TraceProfile,
} from './rate-profile.js';
export { isDone, plannedRecords, recordsDue, type ScheduleLimits } from './scheduler.js';
export { loadTrace, parseTrace } from './trace-file.js';
