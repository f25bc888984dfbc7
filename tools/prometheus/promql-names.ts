/**
 * Metric names read from PromQL text, and metric names read from a /metrics exposition, so a
 * test can tell which series a dashboard or rule asks for that no app exports. A small scanner,
 * not a parser: enough for the expressions we write (selectors, functions, aggregations, binary
 * operators, `label_values(selector, label)`), and its spec pins what it reads.
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2']);

/** Metric names an expression selects (recorded names, with colons, included). */
export function metricNamesIn(expr: string): string[] {
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = match[0];
    const before = text[match.index - 1] ?? ' ';
    // part of a number or duration (1e3, 5m) or a Grafana variable ($__interval)
    if (/[0-9.$]/.test(before)) continue;
    const after = text.slice(match.index + token.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}

/** Grafana's `label_values(selector, label)` as its parts; undefined for other variable queries. */
export function parseLabelValues(query: string): { selector: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(query);
  return m === null ? undefined : { selector: m[1]!, label: m[2]! };
}

/**
 * Every series name a Prometheus text exposition offers: each `# TYPE` family plus the `_bucket`,
 * `_sum` and `_count` series of histograms (`_sum`, `_count` of summaries), and any sample name.
 */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type !== null) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (sample !== null) names.add(sample[1]!);
  }
  return names;
}
