// Throughput and latency over time as SVG, rendered here by Apache ECharts' server-side SVG
// renderer (no browser, no canvas).
import * as echarts from 'echarts';
import type { RunResult } from '../run-scenario.ts';

const WIDTH = 900;
const HEIGHT = 400;

type Point = [number, number];
interface Series {
  name: string;
  points: Point[];
  /** Second y axis (right). */
  right?: boolean;
  step?: boolean;
  dashed?: boolean;
}

interface ChartSpec {
  title: string;
  subtitle: string;
  yLeft: string;
  yRight: string | undefined;
  series: readonly Series[];
  /** The warm-up (s), shaded. */
  warmupStartS?: number | undefined;
  warmupEndS: number | undefined;
  /** Stage starts, as dashed vertical lines. */
  markers: ReadonlyArray<{ at: number; label: string }>;
}

function render(spec: ChartSpec): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  const markLine =
    spec.markers.length === 0
      ? undefined
      : {
          symbol: 'none',
          silent: true,
          label: { formatter: '{b}', position: 'insideEndTop', fontSize: 10 },
          lineStyle: { color: '#888', type: 'dashed' },
          data: spec.markers.map((m) => ({ name: m.label, xAxis: m.at })),
        };
  const markArea =
    spec.warmupEndS === undefined || spec.warmupEndS <= 0
      ? undefined
      : {
          silent: true,
          itemStyle: { color: 'rgba(150,150,150,0.12)' },
          label: { show: true, position: 'insideTop', fontSize: 10, color: '#666' },
          data: [[{ name: 'warm-up (not counted)', xAxis: spec.warmupStartS ?? 0 }, { xAxis: spec.warmupEndS }]],
        };
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    title: { text: spec.title, subtext: spec.subtitle, left: 10, top: 4, textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 11 } },
    legend: { bottom: 4, left: 'center', textStyle: { fontSize: 11 } },
    grid: { left: 70, right: spec.yRight === undefined ? 30 : 70, top: 70, bottom: 72 },
    xAxis: { type: 'value', name: 'seconds since start', nameLocation: 'middle', nameGap: 28, min: 0 },
    yAxis: [
      { type: 'value', name: spec.yLeft, min: 0 },
      ...(spec.yRight === undefined ? [] : [{ type: 'value', name: spec.yRight, min: 0, splitLine: { show: false } }]),
    ],
    series: spec.series.map((s, i) => ({
      type: 'line',
      name: s.name,
      data: s.points,
      yAxisIndex: s.right === true ? 1 : 0,
      showSymbol: false,
      step: s.step === true ? 'end' : false,
      lineStyle: { width: 1.6, type: s.dashed === true ? 'dashed' : 'solid' },
      ...(i === 0 ? { markArea, markLine } : {}),
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export interface RunCharts {
  throughput: string;
  latency: string;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function renderCharts(result: RunResult): RunCharts {
  const { params, seconds } = result;
  const batch = params.shape.batchSize;
  const warmup = result.stages.find((s) => s.phase === 'warmup');
  const warmupEndS = warmup === undefined ? undefined : (warmup.endS ?? warmup.startS + warmup.durationMs / 1000);
  const subtitle = `${result.scenario} · run ${result.runId} · batches of ${batch} records · acks=${params.acks}`;
  const markers = result.stages
    .filter((stage) => stage.phase === 'step' || stage.phase === 'spike' || stage.phase === 'recovery')
    .map((stage) => ({ at: round(stage.startS), label: stage.label }));

  const throughput: Series[] = [
    { name: 'offered records/s', points: seconds.map((s) => [s.second, s.sent * batch]), dashed: true },
    { name: 'acknowledged records/s', points: seconds.map((s) => [s.second, s.ackedRecords]) },
  ];
  let right: string | undefined;
  if (result.monitor.length > 0) {
    throughput.push({ name: 'consumed records/s (lag-monitor)', points: result.monitor.map((m) => [round(m.t), Math.round(m.consumptionRate)]) });
    throughput.push({ name: 'lag (records)', points: result.monitor.map((m) => [round(m.t), m.totalLag]), right: true });
    right = 'lag (records)';
    if (result.burst !== undefined) {
      throughput.push({ name: 'replicas × 1,000', points: result.monitor.map((m) => [round(m.t), m.members * 1_000]), right: true, step: true });
      right = 'lag · replicas × 1,000';
    }
  }
  const sent = seconds.filter((s) => s.sent > 0);
  const latency: Series[] = [
    { name: 'request p50', points: sent.map((s) => [s.second, round(s.p50Ms)]) },
    { name: 'request p95', points: sent.map((s) => [s.second, round(s.p95Ms)]) },
    { name: 'request p99', points: sent.map((s) => [s.second, round(s.p99Ms)]), dashed: true },
  ];
  if (result.e2e !== undefined) {
    latency.push({ name: 'end-to-end p50', points: result.e2e.perSecond.map((s) => [s.second, round(s.p50Ms)]), right: true });
    latency.push({ name: 'end-to-end p95', points: result.e2e.perSecond.map((s) => [s.second, round(s.p95Ms)]), right: true });
  }
  return {
    throughput: render({ title: 'Throughput', subtitle, yLeft: 'records/s', yRight: right, series: throughput, warmupStartS: warmup?.startS, warmupEndS, markers }),
    latency: render({
      title: 'Latency',
      subtitle,
      yLeft: 'ingest request (ms)',
      yRight: result.e2e === undefined ? undefined : 'end to end (ms)',
      series: latency,
      warmupStartS: warmup?.startS,
      warmupEndS,
      markers,
    }),
  };
}
