/**
 * Bursts: what a page that opens does. Every 300 ms, B simultaneous `{ user(username:) { nickname } }`
 * queries for B different users (10 and 20), through the gateway, beside the same reads sent straight
 * to the emulator's REST endpoint and through a minimal yoga + undici proxy (the anchor: the gateway's
 * p99 over the proxy's is its ratio, target 1.1) in the same run; the emulator's own rate limits are off,
 * so only the gateway keeps Agora's. Emulator, gateway, proxy and this load generator each run in a
 * process of their own. The three paths take turns burst by burst (in an order that rotates), so that a
 * slow moment of this shared machine falls on all of them alike, not on whichever ran then; a p99 of
 * BURSTS x B samples per path.
 *
 *   node bench/bursts.ts     # prints a table, writes bench/results/bursts.json
 *   BURSTS=100 node bench/bursts.ts
 *   GATEWAY_NODE_OPTIONS=... PROXY_NODE_OPTIONS=... node bench/bursts.ts   # e.g. --import a GC observer into each
 */
import { percentile, readUserDirect, readUserThroughGateway, round, startMinimalProxy, startReadStack, writeResults } from './lib/stack.ts';

const BURST_EVERY_MS = 300;
const BURSTS = Number(process.env.BURSTS ?? 250);
const SIZES = [10, 20];
const USERS = 20;

const users = Array.from({ length: USERS }, (_, i) => `burst${i}`);
const stack = await startReadStack(users);
let stopProxy = () => undefined as void;
try {
  type Read = (u: string) => Promise<unknown>;
  /** BURSTS bursts of `size` reads on each path, the paths taking turns; each path's latencies, sorted. */
  async function measure(paths: Read[], size: number, bursts = BURSTS): Promise<number[][]> {
    const latencies = paths.map((): number[] => []);
    for (let b = 0; b < bursts; b++) {
      for (let turn = 0; turn < paths.length; turn++) {
        const which = (b + turn) % paths.length;
        const started = performance.now();
        await Promise.all(
          users.slice(0, size).map(async (u) => {
            const t = performance.now();
            await paths[which]!(u);
            latencies[which]!.push(performance.now() - t);
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, BURST_EVERY_MS - (performance.now() - started))));
      }
    }
    return latencies.map((l) => l.sort((a, b) => a - b));
  }
  const minimalProxy = await startMinimalProxy(stack, process.env.PROXY_NODE_OPTIONS);
  stopProxy = minimalProxy.stop;
  const direct = (u: string) => readUserDirect(stack, u);
  const gateway = (u: string) => readUserThroughGateway(stack, u);
  const proxy = minimalProxy.read;

  // Warm every path (connections, JIT, the app token) before measuring.
  await measure([direct, gateway, proxy], 5, 100);

  const results = [];
  for (const size of SIZES) {
    const [d, g, p] = (await measure([direct, gateway, proxy], size)) as [number[], number[], number[]];
    const stats = (s: number[]) => ({ p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)) });
    results.push({
      burst: size,
      samplesPerPath: g.length,
      readsPerSecond: Math.round((size * 1000) / BURST_EVERY_MS),
      shareOfChatBudget: round((size * 1000) / BURST_EVERY_MS / 100),
      direct: stats(d),
      gateway: stats(g),
      minimalProxy: stats(p),
      p99RatioToProxy: round(percentile(g, 99) / percentile(p, 99)),
      addedP50Ms: round(percentile(g, 50) - percentile(d, 50)),
      addedP99Ms: round(percentile(g, 99) - percentile(d, 99)),
    });
  }
  console.table(
    results.map((r) => ({
      'burst of': r.burst,
      'reads/s': r.readsPerSecond,
      'direct p50/p90/p99 ms': `${r.direct.p50} / ${r.direct.p90} / ${r.direct.p99}`,
      'gateway p50/p90/p99 ms': `${r.gateway.p50} / ${r.gateway.p90} / ${r.gateway.p99}`,
      'minimal proxy p50/p90/p99 ms': `${r.minimalProxy.p50} / ${r.minimalProxy.p90} / ${r.minimalProxy.p99}`,
      'p99 / proxy p99': r.p99RatioToProxy,
      'added p99 ms': r.addedP99Ms,
    })),
  );
  await writeResults('bursts', { burstEveryMs: BURST_EVERY_MS, bursts: BURSTS, results });
} finally {
  stopProxy();
  stack.stop();
}
