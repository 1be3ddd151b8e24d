/**
 * Counters and histograms that count without prom-client on the hot path. prom-client hashes and
 * validates a label object on every increment; these families count every GraphQL operation and every
 * Agora call. Here a caller finds its series once per label combination (through nested maps of the
 * label values: no key string and no label object is made per count), a count is an addition, and
 * prom-client reads the family, in its own format, only when /metrics is scraped.
 */
import type { Metric, Registry } from 'prom-client';

type LabelValue = string | number;

/** One label combination's numbers. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
  sum: number;
  /** A histogram's upper bounds (none for a counter), and its observations per bucket (not cumulative), the last above every bound. */
  readonly bounds: readonly number[];
  readonly buckets: number[];
}

/**
 * The series of up to three label values, made on first use. A value is found as it is given: pass each
 * label always as a string or always as a number (an HTTP status), never both, or one label has two series.
 */
export interface Family {
  at(a: LabelValue, b?: LabelValue, c?: LabelValue): Series;
}

type Level = Map<LabelValue | undefined, Level | Series>;

function familyOf(
  registry: Registry,
  spec: { name: string; help: string; labelNames: readonly string[]; buckets?: readonly number[] },
  type: 'counter' | 'histogram',
) {
  if (spec.labelNames.length < 1 || spec.labelNames.length > 3) throw new Error(`${spec.name}: a family has one to three labels`);
  const root: Level = new Map();
  const all: Series[] = [];
  const bounds = spec.buckets ?? [];
  const make = (values: readonly (LabelValue | undefined)[]): Series => {
    const labels: Record<string, string> = {};
    spec.labelNames.forEach((name, i) => (labels[name] = String(values[i])));
    const series: Series = { labels, count: 0, sum: 0, bounds, buckets: new Array<number>(bounds.length + 1).fill(0) };
    all.push(series);
    return series;
  };
  const at = (a: LabelValue, b?: LabelValue, c?: LabelValue): Series => {
    let level = root;
    const depth = spec.labelNames.length;
    for (let i = 0; i < depth - 1; i++) {
      const value = i === 0 ? a : b;
      let next = level.get(value) as Level | undefined;
      if (!next) level.set(value, (next = new Map()));
      level = next;
    }
    const last = depth === 1 ? a : depth === 2 ? b : c;
    let series = level.get(last) as Series | undefined;
    if (!series) level.set(last, (series = make([a, b, c])));
    return series;
  };
  const values = () => {
    if (type === 'counter') return all.map((s) => ({ labels: s.labels, value: s.count }));
    return all.flatMap((s) => {
      let cumulative = 0;
      const buckets = bounds.map((le, i) => ({ labels: { le, ...s.labels }, value: (cumulative += s.buckets[i]!), metricName: `${spec.name}_bucket` }));
      return [
        ...buckets,
        { labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: `${spec.name}_bucket` },
        { labels: s.labels, value: s.sum, metricName: `${spec.name}_sum` },
        { labels: s.labels, value: s.count, metricName: `${spec.name}_count` },
      ];
    });
  };
  // What a Registry reads of a metric: its name, help and type, and `get()` for the samples.
  const metric = {
    name: spec.name,
    help: spec.help,
    type,
    aggregator: 'sum',
    get: async () => ({ name: spec.name, help: spec.help, type, aggregator: 'sum', values: values() }),
    reset: () => {
      root.clear();
      all.length = 0;
    },
  };
  registry.registerMetric(metric as unknown as Metric);
  return { at };
}

/** A counter family: `count(family.at(...))`. */
export const countedFamily = (registry: Registry, spec: { name: string; help: string; labelNames: readonly string[] }): Family =>
  familyOf(registry, spec, 'counter');

/** A histogram family: `observe(family.at(...), value)`. */
export const histogramFamily = (registry: Registry, spec: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[] }): Family =>
  familyOf(registry, spec, 'histogram');

export function count(series: Series, by = 1): void {
  series.count += by;
}

/** One observation, in the first bucket whose bound it does not exceed (Prometheus' `le`). */
export function observe(series: Series, value: number): void {
  series.count++;
  series.sum += value;
  let i = 0;
  while (i < series.bounds.length && value > series.bounds[i]!) i++;
  series.buckets[i]!++;
}
