import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { count, countedFamily, histogramFamily, observe } from '../../src/observability/series.ts';

const BOUNDS = [0.005, 0.01, 0.1, 1];

describe('series counted outside prom-client', () => {
  it('answers /metrics text line for line as prom-client does for the same counts and observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const calls = countedFamily(ours, { name: 'calls_total', help: 'Calls', labelNames: ['operation', 'status', 'priority'] });
    const seconds = histogramFamily(ours, { name: 'call_seconds', help: 'Latency', labelNames: ['operation'], buckets: BOUNDS });
    const callsThere = new Counter({ name: 'calls_total', help: 'Calls', labelNames: ['operation', 'status', 'priority'], registers: [theirs] });
    const secondsThere = new Histogram({ name: 'call_seconds', help: 'Latency', labelNames: ['operation'], buckets: BOUNDS, registers: [theirs] });

    // On a bound, between bounds, above every bound, and a failure named instead of a status.
    const calls_ = [
      ['chat.users.get', 200, 'interactive', 0.005],
      ['chat.users.get', 200, 'interactive', 0.05],
      ['chat.users.get', 429, 'background', 3],
      ['chat.groups.details', 'network', 'interactive', 0.0001],
    ] as const;
    for (const [operation, status, priority, value] of calls_) {
      count(calls.at(operation, status, priority));
      observe(seconds.at(operation), value);
      callsThere.inc({ operation, status: String(status), priority });
      secondsThere.observe({ operation }, value);
    }
    const lines = async (registry: Registry) => (await registry.metrics()).split('\n').filter(Boolean).sort();
    expect(await lines(ours)).toEqual(await lines(theirs));
  });

  it('finds one series per label combination, the same each time', () => {
    const family = countedFamily(new Registry(), { name: 'n_total', help: 'n', labelNames: ['a', 'b'] });
    const series = family.at('x', 1);
    expect(family.at('x', 1)).toBe(series);
    expect(family.at('x', 2)).not.toBe(series);
    expect(series.labels).toEqual({ a: 'x', b: '1' });
  });
});
