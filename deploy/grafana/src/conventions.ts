/**
 * What every lagscale dashboard shares: the template variables, the label selectors built on them
 * and the units. Queries select on labels only (never an instance or a pod by value), so one
 * dashboard serves every namespace and fleet.
 */

/** Template variable names; `$__rate_interval` and friends are Grafana's own. */
export const VARIABLES = {
  datasource: 'datasource',
  namespace: 'namespace',
  consumerGroup: 'consumergroup',
  topic: 'topic',
  pod: 'pod',
} as const;

/** The Prometheus data source every panel, variable and annotation queries. */
export const datasourceRef = { type: 'prometheus', uid: `\${${VARIABLES.datasource}}` } as const;

/**
 * Label matchers on the template variables. `=~` with the "All" value `.*` also matches series
 * without the label, so the dashboards work against a Prometheus that adds no namespace or pod.
 */
export const match = {
  namespace: `namespace=~"$${VARIABLES.namespace}"`,
  group: `namespace=~"$${VARIABLES.namespace}", consumergroup=~"$${VARIABLES.consumerGroup}"`,
  groupTopic: `namespace=~"$${VARIABLES.namespace}", consumergroup=~"$${VARIABLES.consumerGroup}", topic=~"$${VARIABLES.topic}"`,
  topic: `namespace=~"$${VARIABLES.namespace}", topic=~"$${VARIABLES.topic}"`,
  pod: `namespace=~"$${VARIABLES.namespace}", pod=~"$${VARIABLES.pod}"`,
  /** consumer-worker series: they carry the group and topic they consume, like lag-monitor's. */
  consumer: `namespace=~"$${VARIABLES.namespace}", consumergroup=~"$${VARIABLES.consumerGroup}", topic=~"$${VARIABLES.topic}", pod=~"$${VARIABLES.pod}"`,
} as const;

/** Grafana unit ids used by the panels; every panel sets one. */
export const UNITS = {
  /** Counts of records, replicas, partitions (1.2K, 3.4M). */
  count: 'short',
  recordsPerSecond: 'recps',
  requestsPerSecond: 'reqps',
  eventsPerSecond: 'cps',
  seconds: 's',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  ratio: 'percentunit',
  /** Only for enumerations drawn through value mappings (health, up). */
  enumeration: 'none',
} as const;

/** The rate window Grafana picks from the scrape interval and the panel's resolution. */
export const RATE_INTERVAL = '$__rate_interval';

/** Burrow-style health as lag-monitor exports it: 0 OK, 1 WARN, 2 STALL, 3 STOP. */
export const HEALTH_STATES = [
  { value: 0, text: 'OK', color: 'green' },
  { value: 1, text: 'WARN', color: 'yellow' },
  { value: 2, text: 'STALL', color: 'orange' },
  { value: 3, text: 'STOP', color: 'red' },
] as const;

/** Histogram quantiles drawn by the latency panels. */
export const QUANTILES = [0.5, 0.95, 0.99] as const;
