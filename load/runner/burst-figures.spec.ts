import { describe, expect, it } from 'vitest';
import { burstFigures, neededReplicas } from './burst-figures.ts';
import type { MonitorSample } from './monitor-watch.ts';

const sample = (t: number, members: number, totalLag: number): MonitorSample => ({
  t,
  members,
  totalLag,
  groupState: 'Stable',
  current: members,
  desired: members,
  productionRate: 0,
  consumptionRate: 0,
});

describe('burst figures', () => {
  it.each([
    { peak: 2_500, perReplica: 450, max: 8, partitions: 8, needed: 6 },
    { peak: 2_500, perReplica: 450, max: 4, partitions: 8, needed: 4 },
    { peak: 2_500, perReplica: 450, max: 8, partitions: 3, needed: 3 },
    { peak: 100, perReplica: 450, max: 8, partitions: 8, needed: 1 },
  ])('needs $needed replicas for $peak records/s at $perReplica each (max $max, $partitions partitions)', ({ peak, perReplica, max, partitions, needed }) => {
    expect(neededReplicas({ peakRecordsPerSecond: peak, throughputPerReplica: perReplica, maxReplicas: max, partitions })).toBe(needed);
  });

  it('times scaling from the spike start and draining from the spike end', () => {
    const samples = [sample(1, 1, 0), sample(10, 1, 500), sample(12, 2, 3_000), sample(14, 3, 6_000), sample(20, 3, 2_000), sample(25, 3, 150), sample(26, 2, 0)];
    const figures = burstFigures({ samples, spikeStartS: 9, spikeEndS: 19, peakRecordsPerSecond: 1_200, throughputPerReplica: 450, maxReplicas: 8, partitions: 8, drainedLag: 200 });
    expect(figures).toEqual({ neededReplicas: 3, peakReplicas: 3, peakLag: 6_000, timeToScaleS: 5, timeToDrainS: 6, drainedLag: 200 });
  });

  it('leaves a time out when it never happened', () => {
    const figures = burstFigures({ samples: [sample(10, 1, 9_000)], spikeStartS: 5, spikeEndS: 8, peakRecordsPerSecond: 2_000, throughputPerReplica: 450, maxReplicas: 8, partitions: 8, drainedLag: 200 });
    expect(figures.timeToScaleS).toBeUndefined();
    expect(figures.timeToDrainS).toBeUndefined();
  });
});
