/**
 * A topic pattern as the Java client's pattern subscription reads it: a regular expression that
 * must match the whole topic name (`orders-.*` matches `orders-eu`, not `old-orders-eu`). The
 * consumer's `--topic-pattern` and lag-monitor's `--topic-pattern` / `--scale-topic-pattern`
 * share it, so one pattern means the same topics in both.
 */
export function compileTopicPattern(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}
