import { readdir } from 'node:fs/promises';
import { pacedBurst, readUserThroughGateway, startReadStack } from '../bench/lib/stack.ts';
const dir = '/tmp/snaps'; 
process.env.GATEWAY_NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
const users = Array.from({ length: 20 }, (_, i) => `burst${i}`);
const stack = await startReadStack(users);
const snap = async () => { const before = new Set(await readdir(dir).catch(() => [])); process.kill(stack.gatewayPid, 'SIGUSR2'); for (;;) { await new Promise(r => setTimeout(r, 500)); const f = (await readdir(dir)).find(f => f.endsWith('.heapsnapshot') && !before.has(f)); if (f) { await new Promise(r => setTimeout(r, 3000)); return f; } } };
await new Promise(r => setTimeout(r, 2000));
console.log('idle', await snap());
const end = Date.now() + 40_000;
let n = 0;
while (Date.now() < end) { await pacedBurst((u) => readUserThroughGateway(stack, u), users, 300); n += 20; }
console.log('reads', n);
// snapshot while load continues
let stop = false; const loop = (async () => { while (!stop) await pacedBurst((u) => readUserThroughGateway(stack, u), users, 300); })();
console.log('loaded', await snap());
stop = true; await loop; stack.stop();
