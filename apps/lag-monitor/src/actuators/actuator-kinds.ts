/** Where the lag-monitor's decisions go. A new kind is one new file beside this one. */
export const ACTUATOR_KINDS = ['kubernetes', 'local', 'none'] as const;
export type ActuatorKind = (typeof ACTUATOR_KINDS)[number];
