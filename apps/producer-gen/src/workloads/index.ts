export { bytesValueSchema } from './bytes.js';
export { createWorkload, isWorkloadName, workloadSpecs, type WorkloadSpec, type WorkloadValues } from './registry.js';
export {
  SENSOR_RANGES,
  SENSOR_TYPES,
  SENSOR_UNITS,
  isOutOfRange,
  sensorReadingSchema,
  type SensorReading,
  type SensorType,
  type SensorUnit,
} from './sensor-readings.js';
export {
  USER_ACTIONS,
  USER_ACTION_WEIGHTS,
  USER_DEVICES,
  USER_SESSION_MS,
  userEventSchema,
  type UserAction,
  type UserDevice,
  type UserEvent,
} from './user-events.js';
export {
  MAX_SIZE_BYTES,
  WORKLOAD_NAMES,
  defaultWorkloadOptions,
  validateWorkloadOptions,
  type Workload,
  type WorkloadContext,
  type WorkloadName,
  type WorkloadOptions,
} from './workload.js';
