/** Upper bounds, in seconds, of the handler-time histogram (one record through its handler). */
export const HANDLER_SECONDS_BUCKETS = [0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] as const;

/** Upper bounds, in seconds, of the end-to-end histogram (fetched → done, retries included). */
export const END_TO_END_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;
