import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const mode = process.argv[3] ?? 'pkg';
const byKey = new Map(); let total = 0;
const ids = new Map();
function walk(n, stack) {
  const cf = n.callFrame; const st = [...stack, cf];
  ids.set(n.id, st);
  for (const c of n.children) walk(c, st);
}
walk(p.head, []);
for (const s of p.samples) {
  const st = ids.get(s.nodeId); total += s.size;
  let key;
  const top = st[st.length - 1];
  const pkg = (u) => { const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u); return m ? m[1] : u.includes('/src/') ? 'src/' + u.split('/src/')[1] : u ? u.split('/').slice(-1)[0] : '(native)'; };
  if (mode === 'pkg') key = pkg(top.url);
  else if (mode === 'fn') key = `${top.functionName || '(anon)'} ${pkg(top.url)}:${top.lineNumber + 1}`;
  else { // first src frame in the stack (inclusive attribution to our code)
    const f = [...st].reverse().find((f) => f.url.includes('/src/') && !f.url.includes('node_modules'));
    key = f ? `${f.functionName || '(anon)'} ${pkg(f.url)}:${f.lineNumber + 1}` : '(no src frame) ' + pkg(top.url);
  }
  byKey.set(key, (byKey.get(key) ?? 0) + s.size);
}
console.log('total MB', (total / 1e6).toFixed(1));
for (const [k, v] of [...byKey].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 30))) console.log((v / 1e6).toFixed(2).padStart(8), k);
