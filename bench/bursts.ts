/**
 * Bursts: what a page that opens does. Every 300 ms, B simultaneous `{ user(username:) { nickname } }`
 * queries for B different users (10 and 20), through the gateway, beside the same reads sent straight
 * to the emulator's REST endpoint and through a minimal yoga + undici proxy (the anchor: the gateway's
 * p99 over the proxy's is its ratio, target 1.1) in the same run; the emulator's own rate limits are off,
 * so only the gateway keeps Agora's. Emulator, gateway, proxy and this load generator each run in a
 * process of their own. The three paths take turns burst by burst (in an order that rotates), so that a
 * slow moment of this shared machine falls on all of them alike, not on whichever ran then; a p99 of
 * BURSTS x B samples per path. Beside the p99 ratio, the range it would take in 90% of runs like this one
 * (a bootstrap over whole bursts, which a GC pause slows together): a single run's p99 rests on its slowest
 * 1% of reads, and the range says how far another run's may fall from it.
 *
 *   node bench/bursts.ts     # prints a table, writes bench/results/bursts.json
 *   BURSTS=100 node bench/bursts.ts
 *   GATEWAY_NODE_OPTIONS=... PROXY_NODE_OPTIONS=... node bench/bursts.ts   # e.g. --import a GC observer into each
 */
import { pacedBurst, percentile, readUserDirect, readUserThroughGateway, round, startMinimalProxy, startReadStack, writeResults } from './lib/stack.ts';

const BURST_EVERY_MS = 300;
const BURSTS = Number(process.env.BURSTS ?? 250);
const SIZES = [10, 20];
const USERS = 20;

const users = Array.from({ length: USERS }, (_, i) => `burst${i}`);

/**
 * Where the p99 ratio of a run like this one falls 90% of the time: 1,000 runs drawn from this one's
 * bursts (each path's bursts drawn with replacement, whole: one GC pause slows all of a burst's reads).
 * The draws are seeded, so a run's range can be computed again from its samples.
 */
function p99RatioRange(gateway: number[][], proxy: number[][], draws = 1_000): [number, number] {
  let seed = 27;
  // mulberry32: small, seeded, and good enough to draw bursts.
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const p99Of = (bursts: number[][]) =>
    percentile(
      Array.from({ length: bursts.length }, () => bursts[Math.floor(random() * bursts.length)]!)
        .flat()
        .sort((a, b) => a - b),
      99,
    );
  const ratios = Array.from({ length: draws }, () => p99Of(gateway) / p99Of(proxy)).sort((a, b) => a - b);
  return [round(percentile(ratios, 5)), round(percentile(ratios, 95))];
}
const stack = await startReadStack(users);
let stopProxy = () => undefined as void;
try {
  type Read = (u: string) => Promise<unknown>;
  /** BURSTS bursts of `size` reads on each path, the paths taking turns; each path's latencies, burst by burst. */
  async function measure(paths: Read[], size: number, bursts = BURSTS): Promise<number[][][]> {
    const latencies = paths.map((): number[][] => []);
    for (let b = 0; b < bursts; b++) {
      for (let turn = 0; turn < paths.length; turn++) {
        const which = (b + turn) % paths.length;
        const burst: number[] = [];
        const timed = async (u: string) => {
          const t = performance.now();
          await paths[which]!(u);
          burst.push(performance.now() - t);
        };
        await pacedBurst(timed, users.slice(0, size), BURST_EVERY_MS);
        latencies[which]!.push(burst);
      }
    }
    return latencies;
  }
  const sorted = (bursts: number[][]) => bursts.flat().sort((a, b) => a - b);
  const minimalProxy = await startMinimalProxy(stack, process.env.PROXY_NODE_OPTIONS);
  stopProxy = minimalProxy.stop;
  const direct = (u: string) => readUserDirect(stack, u);
  const gateway = (u: string) => readUserThroughGateway(stack, u);
  const proxy = minimalProxy.read;

  // Warm every path (connections, JIT, the app token) before measuring.
  await measure([direct, gateway, proxy], 5, 100);

  const results = [];
  for (const size of SIZES) {
    const [directBursts, gatewayBursts, proxyBursts] = (await measure([direct, gateway, proxy], size)) as [number[][], number[][], number[][]];
    const [d, g, p] = [sorted(directBursts), sorted(gatewayBursts), sorted(proxyBursts)];
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
      p99RatioRange90: p99RatioRange(gatewayBursts, proxyBursts),
      p50RatioToProxy: Math.round((percentile(g, 50) / percentile(p, 50)) * 100) / 100,
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
      '90% of runs': `${r.p99RatioRange90[0]} to ${r.p99RatioRange90[1]}`,
      'p50 / proxy p50': r.p50RatioToProxy,
      'added p99 ms': r.addedP99Ms,
    })),
  );
  await writeResults('bursts', { burstEveryMs: BURST_EVERY_MS, bursts: BURSTS, results });
} finally {
  stopProxy();
  stack.stop();
}
