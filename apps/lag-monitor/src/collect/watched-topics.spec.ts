import { describe, expect, it } from 'vitest';
import { compileTopicPattern } from '@lagscale/kafka-core/admin';
import { scalesOnTopic } from '../config/monitor-config.js';
import { watchedTopics } from './collector.js';

describe('watchedTopics', () => {
  it('watches the named topics, then those the pattern matches now (whole names, no internal topics)', () => {
    const existing = ['orders-us', 'orders-eu', 'old-orders-x', '__consumer_offsets', 'audit'];
    expect(watchedTopics({ topics: ['audit'] }, existing)).toEqual(['audit']);
    expect(watchedTopics({ topics: ['audit'], topicPattern: compileTopicPattern('orders-.*') }, existing)).toEqual(['audit', 'orders-eu', 'orders-us']);
    expect(watchedTopics({ topics: [], topicPattern: compileTopicPattern('.*') }, existing)).toEqual(['audit', 'old-orders-x', 'orders-eu', 'orders-us']);
  });
});

describe('scalesOnTopic', () => {
  const rows = [
    { name: 'nothing named: every topic', target: { topics: [] }, topic: 'x', scales: true },
    { name: 'a named topic', target: { topics: ['a'] }, topic: 'a', scales: true },
    { name: 'a topic not named', target: { topics: ['a'] }, topic: 'b', scales: false },
    { name: 'a topic the pattern matches', target: { topics: [], topicPattern: compileTopicPattern('orders-.*') }, topic: 'orders-eu', scales: true },
    { name: 'a topic the pattern matches only in part', target: { topics: [], topicPattern: compileTopicPattern('orders-.*') }, topic: 'old-orders-eu', scales: false },
    { name: 'named or matched', target: { topics: ['a'], topicPattern: compileTopicPattern('orders-.*') }, topic: 'a', scales: true },
  ];
  it.each(rows)('$name', ({ target, topic, scales }) => {
    expect(scalesOnTopic(target, topic)).toBe(scales);
  });
});
