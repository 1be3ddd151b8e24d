/**
 * Overhead: what the gateway adds to a read, at a steady rate under Agora's budget. The same
 * `{ user(username:) { nickname } }` read through the gateway, through a minimal yoga + undici proxy (the
 * anchor: what the gateway adds over what the proxy adds is its ratio, target 1.1) and straight from the
 * emulator's REST endpoint, 40 a second for 10 s each, with the emulator answering at once and then after
 * 50 ms of added latency: p50 and p99 side by side, and what each adds to the direct call. Then the gateway's own ceiling:
 * `{ health }` (no upstream call) flat out from 16 connections for 5 s. Emulator, gateway and this load
 * generator each run in a process of their own.
 *
 *   node bench/overhead.ts   # prints a table, writes bench/results/overhead.json
 */
import { graphql, percentile, readUserDirect, readUserThroughGateway, registerUsers, round, startMinimalProxy, startStack, writeResults } from './lib/stack.ts';

const RATE_PER_SECOND = 40;
const SECONDS = 10;
const CEILING_CONNECTIONS = 16;
const CEILING_SECONDS = 5;

/** Sends `read` at a fixed rate (not waiting for answers) and answers the sorted latencies. */
async function atFixedRate(read: (i: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const interval = 1000 / RATE_PER_SECOND;
  const started = performance.now();
  for (let i = 0; i < RATE_PER_SECOND * SECONDS; i++) {
    const t = performance.now();
    pending.push(read(i).then(() => void latencies.push(performance.now() - t)));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i + 1) * interval - performance.now())));
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

// Each read goes to Agora: this measures what the gateway adds to a call, not what its shared cache saves.
const stack = await startStack({ SHARED_READS: 'off' });
const minimalProxy = await startMinimalProxy(stack);
try {
  await stack.control('PUT', '/settings', { rateLimits: false });
  const users = Array.from({ length: 20 }, (_, i) => `over${i}`);
  await registerUsers(stack, users);
  const results = [];
  for (const latencyMs of [0, 50]) {
    await stack.control('PUT', '/latency', { ms: latencyMs });
    const direct = await atFixedRate((i) => readUserDirect(stack, users[i % users.length]!));
    const gateway = await atFixedRate((i) => readUserThroughGateway(stack, users[i % users.length]!));
    const proxy = await atFixedRate((i) => minimalProxy.read(users[i % users.length]!));
    results.push({
      upstreamLatencyMs: latencyMs,
      ratePerSecond: RATE_PER_SECOND,
      direct: { p50: round(percentile(direct, 50)), p99: round(percentile(direct, 99)) },
      gateway: { p50: round(percentile(gateway, 50)), p99: round(percentile(gateway, 99)) },
      addedP50Ms: round(percentile(gateway, 50) - percentile(direct, 50)),
      addedP99Ms: round(percentile(gateway, 99) - percentile(direct, 99)),
      minimalProxy: { p50: round(percentile(proxy, 50)), p99: round(percentile(proxy, 99)) },
      p50RatioToProxy: round(percentile(gateway, 50) / percentile(proxy, 50)),
      p99RatioToProxy: round(percentile(gateway, 99) / percentile(proxy, 99)),
    });
  }
  await stack.control('PUT', '/latency', { ms: 0 });

  let served = 0;
  const until = performance.now() + CEILING_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CEILING_CONNECTIONS }, async () => {
      while (performance.now() < until) {
        await graphql(stack.graphqlUrl, '{ health }');
        served++;
      }
    }),
  );
  const ceiling = { query: '{ health }', connections: CEILING_CONNECTIONS, requestsPerSecond: Math.round(served / CEILING_SECONDS) };

  console.table(
    results.map((r) => ({
      'upstream latency ms': r.upstreamLatencyMs,
      'direct p50 / p99 ms': `${r.direct.p50} / ${r.direct.p99}`,
      'gateway p50 / p99 ms': `${r.gateway.p50} / ${r.gateway.p99}`,
      'added p50 / p99 ms': `${r.addedP50Ms} / ${r.addedP99Ms}`,
      'minimal proxy p50 / p99 ms': `${r.minimalProxy.p50} / ${r.minimalProxy.p99}`,
      'p50, p99 / proxy': `${r.p50RatioToProxy}, ${r.p99RatioToProxy}`,
    })),
  );
  console.log(`gateway ceiling: ${ceiling.requestsPerSecond} ${ceiling.query} requests/s from ${ceiling.connections} connections`);
  await writeResults('overhead', { steady: results, ceiling });
} finally {
  minimalProxy.stop();
  stack.stop();
}
