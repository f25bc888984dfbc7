import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** What sets a lagscale dashboard apart: a fixed uid (links and provisioning rely on it). */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables: cog.Builder<dashboard.VariableModel>[];
  annotations?: cog.Builder<dashboard.AnnotationQuery>[];
  /** Rows of panels, top to bottom; a row title of undefined puts panels above the first row. */
  rows: { title?: string; panels: cog.Builder<dashboard.Panel>[] }[];
}

export const DASHBOARD_TAGS = ['lagscale', 'kafka'];

/** Links every dashboard shows to the others (by tag), carrying the variables and time range. */
const siblings = () =>
  new dashboard.DashboardLinkBuilder('lagscale dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags(['lagscale'])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true);

/** Builds the dashboard model; panel ids are numbered in order so the JSON is stable. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(DASHBOARD_TAGS)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .variables(spec.variables)
    .link(siblings());
  builder.annotation(
    new dashboard.AnnotationQueryBuilder()
      .name('Annotations & Alerts')
      .builtIn(1)
      .datasource({ type: 'grafana', uid: '-- Grafana --' })
      .enable(true)
      .hide(true)
      .iconColor('rgba(0, 211, 255, 1)')
      .type('dashboard'),
  );
  for (const annotation of spec.annotations ?? []) builder.annotation(annotation);
  for (const row of spec.rows) {
    if (row.title !== undefined) builder.withRow(new dashboard.RowBuilder(row.title));
    for (const panel of row.panels) builder.withPanel(panel);
  }
  const model = builder.build();
  let id = 1;
  for (const panel of model.panels ?? []) panel.id = id++;
  // The builders put links and annotation toggles in Grafana 12's controls menu; leaving the
  // placement out keeps them in the dashboard bar on every Grafana version.
  for (const link of model.links ?? []) delete link.placement;
  for (const annotation of model.annotations?.list ?? []) delete annotation.placement;
  return model;
}
