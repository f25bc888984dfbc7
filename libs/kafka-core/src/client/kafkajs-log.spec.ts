import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLogLevel } from './kafkajs-log.js';

const { logLevel } = kafkajs;

describe('kafkajsLogLevel: what an operator must act on', () => {
  it.each([
    { name: 'coordinator not available at start', entry: { namespace: 'Cluster', level: logLevel.ERROR, message: 'Failed to find group coordinator', error: 'The group coordinator is not available' }, expected: 'debug' },
    { name: 'a heartbeat during a rebalance', entry: { namespace: 'ConsumerGroup', level: logLevel.ERROR, message: 'Heartbeat failed', error: 'The group is rebalancing, so a rejoin is needed', retriable: true }, expected: 'debug' },
    { name: 'the runner re-joining', entry: { namespace: 'Runner', level: logLevel.WARN, message: 'The group is rebalancing, re-joining' }, expected: 'debug' },
    { name: 'a member the coordinator forgot', entry: { namespace: 'Runner', level: logLevel.ERROR, message: 'The coordinator is not aware of this member, re-joining the group' }, expected: 'debug' },
    { name: 'a commit that lost to a rebalance', entry: { namespace: 'ConsumerGroup', level: logLevel.ERROR, message: 'Commit failed', error: 'Specified group generation id is not valid' }, expected: 'debug' },
    { name: 'a connection refused (retried)', entry: { namespace: 'Connection', level: logLevel.ERROR, message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1' }, expected: 'debug' },
    { name: 'a seed broker that cannot be reached (retried)', entry: { namespace: 'BrokerPool', level: logLevel.ERROR, message: 'Failed to connect to seed broker, trying another broker from the list' }, expected: 'debug' },
    { name: 'the consumer restarting', entry: { namespace: 'Consumer', level: logLevel.ERROR, message: 'Restarting the consumer in 300ms' }, expected: 'info' },
    { name: 'a crash that is not retried', entry: { namespace: 'Consumer', level: logLevel.ERROR, message: 'Crash: KafkaJSNonRetriableError: Topic authorization failed', retriable: false }, expected: 'error' },
    { name: 'limited retries on the idempotent producer', entry: { namespace: 'Producer', level: logLevel.WARN, message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees' }, expected: 'debug' },
    { name: 'an unknown warning', entry: { namespace: 'Producer', level: logLevel.WARN, message: 'Something new' }, expected: 'warn' },
    { name: 'a debug line stays debug', entry: { namespace: 'Connection', level: logLevel.DEBUG, message: 'Request Fetch' }, expected: 'debug' },
  ])('$name → $expected', ({ entry, expected }) => {
    expect(kafkajsLogLevel(entry)).toBe(expected);
  });

  it('never raises a level', () => {
    expect(kafkajsLogLevel({ namespace: 'Consumer', level: logLevel.INFO, message: 'Restarting the consumer in 300ms' })).toBe('info');
  });
});
