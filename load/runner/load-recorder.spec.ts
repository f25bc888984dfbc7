import { describe, expect, it } from 'vitest';
import { LoadRecorder } from './load-recorder.ts';
import type { Stage } from '../scenarios/scenarios.ts';

const stage = (phase: Stage['phase'], rate: number, durationMs: number): Stage => ({ phase, label: `${rate} req/s`, rate, durationMs });

describe('LoadRecorder', () => {
  it('keeps the warm-up apart and sums every later stage into the measured figures', () => {
    const start = 10_000;
    const recorder = new LoadRecorder(start, 100);
    recorder.beginStage(stage('warmup', 2, 1_000));
    recorder.record({ startMs: start + 100, latencyMs: 900, code: 200, error: '', body: '' });
    recorder.record({ startMs: start + 600, latencyMs: 700, code: 200, error: '', body: '' });
    recorder.beginStage(stage('main', 4, 1_000));
    recorder.record({ startMs: start + 1_000, latencyMs: 10, code: 200, error: '', body: '' });
    recorder.record({ startMs: start + 1_250, latencyMs: 20, code: 200, error: '', body: '' });
    recorder.record({ startMs: start + 1_500, latencyMs: 10_000, code: 0, error: 'Post "http://x": context deadline exceeded (Client.Timeout exceeded)', body: '' });

    const [warmup, main] = recorder.stageFigures();
    expect(warmup).toMatchObject({ phase: 'warmup', sent: 2, ok: 2, errors: 0 });
    expect(warmup?.latency.p95Ms).toBe(900);
    expect(main).toMatchObject({ phase: 'main', scheduled: 4, sent: 3, ok: 2, errors: 1, recordsPerSecond: 200, droppedRate: 0.25, errorKinds: { timeout: 1 } });
    expect(recorder.measuredFigures()).toMatchObject({ sent: 3, ok: 2, errorRate: 1 / 3 });
    expect(recorder.measuredFigures()?.latency.maxMs).toBe(10_000);
  });

  it('keeps a settle apart like the warm-up: only the steps count in the measured figures', () => {
    const recorder = new LoadRecorder(0, 100);
    recorder.beginStage(stage('settle', 10, 1_000));
    recorder.record({ startMs: 0, latencyMs: 800, code: 200, error: '', body: '' });
    recorder.beginStage(stage('step', 10, 1_000));
    recorder.record({ startMs: 1_000, latencyMs: 8, code: 200, error: '', body: '' });
    recorder.beginStage(stage('settle', 20, 1_000));
    recorder.record({ startMs: 2_000, latencyMs: 0, code: 0, error: 'timeout', body: '' });
    recorder.beginStage(stage('step', 20, 1_000));
    recorder.record({ startMs: 3_000, latencyMs: 9, code: 200, error: '', body: '' });
    expect(recorder.stageFigures().map((s) => [s.phase, s.sent, s.errors, s.latency.maxMs])).toEqual([
      ['settle', 1, 0, 800],
      ['step', 1, 0, 8],
      ['settle', 1, 1, 0],
      ['step', 1, 0, 9],
    ]);
    expect(recorder.measuredFigures()).toMatchObject({ sent: 2, errors: 0, durationMs: 2_000, scheduled: 30 });
    expect(recorder.measuredFigures()?.latency.maxMs).toBe(9);
  });

  it('keeps the ingest\'s CPU per stage, per acknowledged record, and sums it over the measured stages', () => {
    const recorder = new LoadRecorder(0, 100);
    recorder.beginStage(stage('warmup', 10, 1_000));
    recorder.record({ startMs: 0, latencyMs: 5, code: 200, error: '', body: '' });
    recorder.noteIngestCpu(50);
    recorder.beginStage(stage('step', 10, 1_000));
    for (let i = 0; i < 4; i += 1) recorder.record({ startMs: 1_000 + i, latencyMs: 5, code: i === 3 ? 503 : 200, error: '', body: '' });
    recorder.noteIngestCpu(6);
    recorder.beginStage(stage('step', 20, 1_000));
    recorder.noteIngestCpu(undefined);
    expect(recorder.stageFigures().map((s) => [s.ingestCpuMs, s.ingestCpuUsPerRecord])).toEqual([
      [50, 500],
      [6, 20],
      [undefined, undefined],
    ]);
    expect(recorder.measuredFigures()).toMatchObject({ ingestCpuMs: 6, ingestCpuUsPerRecord: 20 });
  });

  it('names error answers by the ingest\'s error code', () => {
    const recorder = new LoadRecorder(0, 10);
    recorder.beginStage(stage('main', 1, 1_000));
    recorder.record({ startMs: 0, latencyMs: 5, code: 503, error: '503 Service Unavailable', body: '{"error":{"code":"KAFKA_UNAVAILABLE","message":"x"}}' });
    expect(recorder.stageFigures()[0]?.errorKinds).toEqual({ '503 KAFKA_UNAVAILABLE': 1 });
  });

  it('counts acknowledged records in the second the answer came', () => {
    const recorder = new LoadRecorder(0, 10);
    recorder.beginStage(stage('main', 2, 2_000));
    recorder.record({ startMs: 900, latencyMs: 300, code: 200, error: '', body: '' });
    recorder.record({ startMs: 1_100, latencyMs: 50, code: 200, error: '', body: '' });
    expect(recorder.secondFigures().map((s) => [s.second, s.sent, s.ackedRecords])).toEqual([
      [0, 1, 0],
      [1, 1, 20],
    ]);
  });

  it('a stage ended early counts its rates over the time it ran', () => {
    const recorder = new LoadRecorder(0, 10);
    recorder.beginStage(stage('recovery', 10, 60_000));
    for (let i = 0; i < 20; i += 1) recorder.record({ startMs: i * 100, latencyMs: 5, code: 200, error: '', body: '' });
    recorder.endStageEarly(2_000);
    expect(recorder.stageFigures()[0]).toMatchObject({ scheduled: 20, droppedRate: 0, recordsPerSecond: 100 });
    expect(recorder.measuredFigures()).toMatchObject({ scheduled: 20, droppedRate: 0 });
  });
});
