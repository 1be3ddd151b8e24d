import { readFileSync } from 'node:fs';
function counts(file) {
  const s = JSON.parse(readFileSync(file, 'utf8'));
  const f = s.snapshot.meta.node_fields, types = s.snapshot.meta.node_types[0];
  const N = f.length, ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size');
  const m = new Map();
  for (let i = 0; i < s.nodes.length; i += N) {
    const key = types[s.nodes[i + ti]] + ':' + s.strings[s.nodes[i + ni]].slice(0, 60);
    const e = m.get(key) ?? [0, 0]; e[0]++; e[1] += s.nodes[i + si]; m.set(key, e);
  }
  return m;
}
const [a, b] = process.argv.slice(2).map(counts);
const rows = [...b].map(([k, [n, sz]]) => [k, n - (a.get(k)?.[0] ?? 0), sz - (a.get(k)?.[1] ?? 0)]).sort((x, y) => y[2] - x[2]).slice(0, 40);
for (const r of rows) console.log(String(r[2]).padStart(9), String(r[1]).padStart(7), r[0]);
