import { Gauge, type Registry } from '@lagscale/kafka-core';
import { METRIC_NAMES } from '../export/metric-names.js';

/** `lag_monitor_leader`, read at scrape time: leading is a deadline that passes between cycles. */
export function registerLeaderGauge(registry: Registry, leading: () => boolean): Gauge {
  return new Gauge({
    name: METRIC_NAMES.leader,
    help: '1 while this replica may actuate (it holds the leader Lease, or runs without leader election), else 0',
    registers: [registry],
    collect() {
      this.set(leading() ? 1 : 0);
    },
  });
}
