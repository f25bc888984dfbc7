// The built-in lag view: polls /ui/history (lag-monitor's in-memory history) and draws it with
// uPlot. Plain browser JavaScript, no build step; served by lag-monitor from its own package.
/* global uPlot */
'use strict';

const HEALTH = ['OK', 'WARN', 'STALL', 'STOP'];
const COLORS = ['#58a6ff', '#3fb950', '#d29922', '#f85149', '#bc8cff', '#39c5cf', '#e3702d', '#8b98a8', '#ff7b72', '#7ee787', '#a5d6ff', '#ffa657'];
const SECOND_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];
const charts = new Map();
let selectedKey = null;
let polls = 0;
let timer;

const $ = (selector) => document.querySelector(selector);
const keyOf = (g) => `${g.groupId}\u0000${g.topic}`;
const labelOf = (g) => `${g.groupId} / ${g.topic}`;
const lastOf = (column) => {
  for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null) return column[i];
  return null;
};
const fmt = (n, digits = 0) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits }));
function fmtSeconds(s) {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
/** Time to drain at the latest cycle that read the group: null there with lag means it never drains. */
function drainText(g) {
  for (let i = g.totalLag.length - 1; i >= 0; i--) {
    if (g.totalLag[i] === null) continue;
    const drain = g.timeToDrainSeconds[i];
    return drain === null ? (g.totalLag[i] > 0 ? '∞ (nothing consumed)' : '–') : fmtSeconds(drain);
  }
  return '–';
}
const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

function setStat(name, value, sub, className) {
  const el = document.querySelector(`[data-stat="${name}"]`);
  const valueEl = el.querySelector('.value');
  valueEl.textContent = value;
  valueEl.className = `value${className ? ` ${className}` : ''}`;
  if (sub !== undefined) el.querySelector('.sub').textContent = sub;
}

/** One chart: created on first data, its data replaced on later polls, rebuilt when its series change. */
function draw(name, xs, series, options = {}) {
  const el = document.querySelector(`[data-chart="${name}"]`);
  const signature = series.map((s) => s.label).join('\n');
  const data = [xs, ...series.map((s) => s.values)];
  let chart = charts.get(name);
  if (chart !== undefined && chart.signature !== signature) {
    chart.plot.destroy();
    chart = undefined;
  }
  if (chart === undefined) {
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 300),
        height: 240,
        scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(max ?? 1, options.minMax ?? 1) * 1.05] } },
        axes: [
          { stroke: '#8b98a8', grid: { stroke: '#2a3440' }, ticks: { stroke: '#2a3440' } },
          {
            stroke: '#8b98a8',
            grid: { stroke: '#2a3440' },
            ticks: { stroke: '#2a3440' },
            values: (_u, ticks) => ticks.map((v) => (options.seconds ? fmtSeconds(v) : fmt(v, 1))),
            // seconds step like a clock (1 min, 5 min, 1 h), not like decimals (500 s)
            ...(options.seconds ? { incrs: SECOND_STEPS } : {}),
            // wide enough for the longest label ("100,000", "1 h 20 min")
            size: (_u, values) => (values === null || values === undefined ? 50 : Math.max(40, ...values.map((v) => String(v).length * 7.5)) + 14),
          },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color ?? COLORS[i % COLORS.length],
            width: s.width ?? 1.5,
            dash: s.dash,
            paths: s.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
            spanGaps: false,
            value: (_u, v) => (options.seconds ? fmtSeconds(v) : fmt(v, 1)),
          })),
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      el,
    );
    chart = { plot, signature };
    charts.set(name, chart);
  } else {
    chart.plot.setData(data);
  }
}

function renderDecisions(doc) {
  const last = doc.lastDecision;
  $('#last-decision').textContent =
    last === null ? 'No scaling decision yet (no --scale-group, or no cycle yet).' : `Now: ${last.action === 'hold' ? `hold at ${last.current}` : `${last.action} ${last.current} → ${last.desired}`} (${last.reason}) — ${last.detail}`;
  const body = document.querySelector('[data-decisions] tbody');
  body.replaceChildren(
    ...doc.decisions.map((d) => {
      const row = document.createElement('tr');
      for (const [text, cls] of [[clock(d.atMs)], [d.action, d.action], [`${d.current} → ${d.desired}`], [d.reason], [d.detail, 'detail']]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (cls) cell.className = cls;
        row.append(cell);
      }
      return row;
    }),
  );
}

function renderPicker(doc) {
  const picker = $('#picker');
  const select = $('#group-topic');
  const keys = doc.groups.map(keyOf);
  if (selectedKey === null || !keys.includes(selectedKey)) {
    const scaled = doc.scaling === null ? undefined : doc.groups.find((g) => g.groupId === doc.scaling.groupId);
    selectedKey = scaled !== undefined ? keyOf(scaled) : (keys[0] ?? null);
  }
  picker.hidden = doc.groups.length < 2;
  if ([...select.options].map((o) => o.value).join('\n') !== keys.join('\n')) {
    select.replaceChildren(...doc.groups.map((g) => new Option(labelOf(g), keyOf(g))));
  }
  if (selectedKey !== null) select.value = selectedKey;
}

function render(doc) {
  polls += 1;
  const xs = doc.times.map((ms) => ms / 1000);
  renderPicker(doc);
  const g = doc.groups.find((x) => keyOf(x) === selectedKey);
  const lastOk = doc.ok.length === 0 ? null : doc.ok[doc.ok.length - 1];
  const lastAt = doc.times.length === 0 ? null : doc.times[doc.times.length - 1];
  $('#status').textContent =
    lastAt === null
      ? 'waiting for the first collection …'
      : `last cycle ${clock(lastAt)} ${lastOk ? 'ok' : 'FAILED (broker unreachable: lag left blank)'} · every ${doc.intervalMs / 1000} s · ${doc.times.length} cycles kept${doc.omittedGroupTopics > 0 ? ` · ${doc.omittedGroupTopics} group/topic pairs not charted` : ''}`;

  const totalLag = doc.groups.reduce((sum, x) => sum + (lastOf(x.totalLag) ?? 0), 0);
  setStat('lag', fmt(g ? lastOf(g.totalLag) : totalLag), g ? labelOf(g) : `${doc.groups.length} group/topic pairs`);
  setStat('time-lag', fmtSeconds(g ? lastOf(g.maxTimeLagSeconds) : null), g ? `drains in ${drainText(g)}` : '');
  setStat('rates', g ? `${fmt(lastOf(g.productionRate))} / ${fmt(lastOf(g.consumptionRate))}` : '–', 'records/s produced / consumed');
  const health = g ? HEALTH[lastOf(g.health) ?? 0] : null;
  setStat('health', health ?? '–', g ? `${fmt(lastOf(g.members))} members` : '', health ? `health-${health}` : '');
  if (doc.scaling !== null) {
    const current = lastOf(doc.scaling.current);
    const desired = lastOf(doc.scaling.desired);
    setStat('replicas', current === desired ? fmt(current) : `${fmt(current)} → ${fmt(desired)}`, `group ${doc.scaling.groupId}`);
  } else {
    setStat('replicas', '–', 'not scaling (no --scale-group)');
  }

  draw('lag', xs, doc.groups.map((x) => ({ label: labelOf(x), values: x.totalLag })));
  if (g) {
    $('#partitions-note').textContent = g.partitionsShown < g.partitionCount ? `(first ${g.partitionsShown} of ${g.partitionCount})` : '';
    draw('partitions', xs, g.partitions.map((p) => ({ label: `p${p.partition}`, values: p.lag })));
    draw('time', xs, [{ label: 'time lag', values: g.maxTimeLagSeconds }, { label: 'time to drain', values: g.timeToDrainSeconds, dash: [6, 4] }], { seconds: true });
    draw('rates', xs, [{ label: 'produced', values: g.productionRate, color: '#58a6ff' }, { label: 'consumed', values: g.consumptionRate, color: '#3fb950' }]);
  }
  const scaledGroup = doc.scaling === null ? undefined : doc.groups.find((x) => x.groupId === doc.scaling.groupId);
  const replicaSeries = doc.scaling === null ? [] : [
    { label: 'desired', values: doc.scaling.desired, color: '#d29922', stepped: true, width: 2 },
    { label: 'current', values: doc.scaling.current, color: '#58a6ff', stepped: true, width: 2 },
  ];
  if (scaledGroup !== undefined) replicaSeries.push({ label: 'members', values: scaledGroup.members, color: '#3fb950', stepped: true, dash: [4, 3] });
  if (replicaSeries.length > 0) draw('replicas', xs, replicaSeries, { minMax: scaledGroup?.partitionCount ?? 1 });
  renderDecisions(doc);
  window.lagscaleView = { polls, selected: selectedKey, charts: Object.fromEntries([...charts].map(([name, c]) => [name, { series: c.plot.series.length - 1, points: c.plot.data[0].length }])) };
}

async function poll() {
  let delay = 2000;
  try {
    const [group, topic] = selectedKey === null ? [] : selectedKey.split('\u0000');
    const query = group === undefined ? '' : `?${new URLSearchParams({ group, topic })}`;
    const response = await fetch(`history${query}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const doc = await response.json();
    render(doc);
    delay = Math.min(Math.max(doc.intervalMs, 1000), 5000);
  } catch (err) {
    $('#status').textContent = `cannot reach lag-monitor (${err.message}); retrying …`;
  }
  schedule(delay);
}

/** One poll loop: a new schedule replaces the pending one. */
function schedule(delayMs) {
  clearTimeout(timer);
  timer = setTimeout(poll, delayMs);
}

$('#group-topic').addEventListener('change', (event) => {
  selectedKey = event.target.value;
  for (const name of ['partitions', 'time', 'rates']) {
    charts.get(name)?.plot.destroy();
    charts.delete(name);
  }
  // the history carries the selected pair's partitions: fetch it now
  schedule(0);
});
window.addEventListener('resize', () => {
  for (const [name, chart] of charts) {
    const el = document.querySelector(`[data-chart="${name}"]`);
    chart.plot.setSize({ width: Math.max(el.clientWidth, 300), height: 240 });
  }
});
schedule(0);
