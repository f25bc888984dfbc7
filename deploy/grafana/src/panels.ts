import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { datasourceRef, HEALTH_STATES, QUANTILES, RATE_INTERVAL, UNITS } from './conventions.js';

/** One PromQL query of a panel: the expression and the legend of its series. */
export interface Query {
  expr: string;
  legend: string;
  /** Instant queries feed stats and tables; range queries draw lines (the default). */
  instant?: boolean;
}

/** What every panel states: a title, a sentence on how to read it, its unit and its queries. */
export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid width (24 is the full row) and height. */
  width?: number;
  height?: number;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: readonly Query[]): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new prometheus.DataqueryBuilder()
      .datasource(datasourceRef)
      .refId(REF_IDS[i] ?? `Q${i}`)
      .expr(q.expr)
      .legendFormat(q.legend)
      .editorMode(prometheus.QueryEditorMode.Code);
    return q.instant === true ? target.instant().format(prometheus.PromQueryFormat.Table) : target.range();
  });
}

/** The builder methods every panel kind shares. */
interface PanelBasics<Self> {
  title(title: string): Self;
  description(description: string): Self;
  datasource(datasource: typeof datasourceRef): Self;
  unit(unit: string): Self;
  targets(targets: cog.Builder<cog.Dataquery>[]): Self;
  span(width: number): Self;
  height(height: number): Self;
}

/** Title, description, data source, unit, queries and size: what every panel sets the same way. */
function basics<B extends PanelBasics<B>>(builder: B, spec: PanelSpec, size: { width: number; height: number }, queries = spec.queries): B {
  return builder
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRef)
    .unit(spec.unit)
    .targets(targets(queries))
    .span(spec.width ?? size.width)
    .height(spec.height ?? size.height);
}

/** Value mappings of an enumeration gauge: each number shown as its name, in its colour. */
function enumMappings(states: readonly { value: number; text: string; color: string }[]): dashboard.ValueMapping[] {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  states.forEach((s, index) => {
    options[String(s.value)] = { text: s.text, color: s.color, index };
  });
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

function thresholds(steps: readonly { value: number | null; color: string }[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map((s) => ({ value: s.value, color: s.color })));
}

const legendList = () => new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true);
const legendTable = () =>
  new common.VizLegendOptionsBuilder()
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Right)
    .showLegend(true)
    .calcs(['lastNotNull', 'max']);
const tooltipAll = () => new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

export interface TimeSeriesSpec extends PanelSpec {
  /** Stacked areas (parts of a whole, e.g. lag per partition). */
  stacked?: boolean;
  /** Step lines for counts that change in steps (replicas). */
  steps?: boolean;
  /** Bars (events per interval). */
  bars?: boolean;
  /** A legend table on the right with last and max (many series). */
  legendTable?: boolean;
  min?: number;
}

export function timeSeries(spec: TimeSeriesSpec): cog.Builder<dashboard.Panel> {
  const panel = basics(new timeseries.PanelBuilder(), spec, { width: 12, height: 8 })
    .legend(spec.legendTable === true ? legendTable() : legendList())
    .tooltip(tooltipAll())
    .lineWidth(1)
    .fillOpacity(spec.stacked === true ? 40 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.stacked === true) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.steps === true) panel.lineInterpolation(common.LineInterpolation.StepAfter);
  if (spec.bars === true) panel.drawStyle(common.GraphDrawStyle.Bars).fillOpacity(80);
  return panel;
}

/** p50/p95/p99 of a Prometheus histogram, summed over `by` (plus `le`). */
export function quantileQueries(histogram: string, selector: string, by: readonly string[] = []): Query[] {
  const group = [...by, 'le'].join(', ');
  const prefix = by.map((label) => `{{${label}}} `).join('');
  return QUANTILES.map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${group}) (rate(${histogram}_bucket{${selector}}[${RATE_INTERVAL}])))`,
    legend: `${prefix}p${Math.round(q * 100)}`,
  }));
}

export interface StatSpec extends PanelSpec {
  /** Colour steps; the first value is null (everything below the next step). */
  thresholds?: readonly { value: number | null; color: string }[];
  /** An enumeration (health, up) shown by name. */
  states?: readonly { value: number; text: string; color: string }[];
}

export function statPanel(spec: StatSpec): cog.Builder<dashboard.Panel> {
  const panel = basics(new stat.PanelBuilder(), spec, { width: 4, height: 4 }, spec.queries.map((q) => ({ ...q, instant: false })))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  if (spec.states !== undefined) panel.mappings(enumMappings(spec.states)).thresholds(thresholds(spec.states.map((s, i) => ({ value: i === 0 ? null : s.value, color: s.color }))));
  else if (spec.thresholds !== undefined) panel.thresholds(thresholds(spec.thresholds));
  else panel.thresholds(thresholds([{ value: null, color: 'text' }]));
  return panel;
}

/** An enumeration over time, one band per series: OK/WARN/STALL/STOP, up/down. */
export function stateTimeline(spec: PanelSpec & { states: readonly { value: number; text: string; color: string }[] }): cog.Builder<dashboard.Panel> {
  return basics(new statetimeline.PanelBuilder(), spec, { width: 12, height: 8 })
    .mappings(enumMappings(spec.states))
    .thresholds(thresholds(spec.states.map((s, i) => ({ value: i === 0 ? null : s.value, color: s.color }))))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .legend(legendList());
}

export const healthTimeline = (spec: PanelSpec) => stateTimeline({ ...spec, states: HEALTH_STATES });

/** Instant values as a table, one row per series (e.g. decisions by reason over the range). */
export function tablePanel(spec: PanelSpec): cog.Builder<dashboard.Panel> {
  return basics(new table.PanelBuilder(), spec, { width: 12, height: 8 }, spec.queries.map((q) => ({ ...q, instant: true })))
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true } } });
}

export const row = (title: string) => new dashboard.RowBuilder(title);

export { UNITS };
