/** One PromQL expression found in a dashboard: a panel target, a variable or an annotation. */
export interface DashboardQuery {
  dashboard: string;
  /** e.g. `panel "Lag per partition" (A)`, `variable topic`, `annotation "Scaling decisions"`. */
  where: string;
  kind: 'panel' | 'variable' | 'annotation';
  expr: string;
  instant: boolean;
}

interface JsonPanel {
  title?: string;
  type?: string;
  targets?: { refId?: string; expr?: string; instant?: boolean }[];
  panels?: JsonPanel[];
}

interface JsonDashboard {
  title?: string;
  panels?: JsonPanel[];
  templating?: { list?: { name?: string; type?: string; query?: unknown; definition?: string }[] };
  annotations?: { list?: { name?: string; expr?: string; builtIn?: number }[] };
}

/**
 * Every PromQL expression of a dashboard JSON, as Grafana would send it (before variable
 * substitution). Reads the JSON model, not the builders, so it checks what users import.
 */
export function promQueries(model: unknown): DashboardQuery[] {
  const d = model as JsonDashboard;
  const name = d.title ?? '?';
  const out: DashboardQuery[] = [];
  const walk = (panels: JsonPanel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) {
        if (t.expr !== undefined) out.push({ dashboard: name, where: `panel "${panel.title ?? '?'}" (${t.refId ?? '?'})`, kind: 'panel', expr: t.expr, instant: t.instant === true });
      }
      walk(panel.panels);
    }
  };
  walk(d.panels);
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const query = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    if (query !== undefined) out.push({ dashboard: name, where: `variable ${v.name ?? '?'}`, kind: 'variable', expr: query, instant: true });
  }
  for (const a of d.annotations?.list ?? []) {
    if (a.expr !== undefined && a.builtIn !== 1) out.push({ dashboard: name, where: `annotation "${a.name ?? '?'}"`, kind: 'annotation', expr: a.expr, instant: false });
  }
  return out;
}
