import { PerformanceObserver, constants } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
const kinds = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
const d = {};
new PerformanceObserver((l) => { for (const e of l.getEntries()) { const k = kinds[e.detail?.kind ?? e.kind] ?? 'other'; (d[k] ??= []).push(e.duration); } }).observe({ entryTypes: ['gc'] });
function dump() {
  const out = {};
  for (const [k, v] of Object.entries(d)) { const s = [...v].sort((a, b) => a - b); out[k] = { n: s.length, total: Math.round(s.reduce((a, b) => a + b, 0)), mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2), p50: +s[Math.floor(s.length / 2)].toFixed(2), p99: +s[Math.floor(s.length * 0.99)].toFixed(2), max: +s[s.length - 1].toFixed(2) }; }
  out.spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, +(s.space_size / 1e6).toFixed(1)]));
  writeFileSync(`/tmp/gc-${process.pid}.json`, JSON.stringify(out, null, 1));
}
process.on('exit', dump); process.on('SIGTERM', () => { dump(); process.exit(0); }); process.on('SIGINT', () => { dump(); process.exit(0); });
