/**
 * CPU per read of this checkout's gateway beside another checkout's (an earlier commit, say) and the
 * minimal yoga + undici proxy, in one run against one emulator: the three take turns burst by burst (10
 * `user` reads, one burst every 130 ms), so that what a change saves is not lost in the difference
 * between two runs on a noisy machine. Each is charged its process's CPU over its own burst and pause
 * (from /proc); shared reads and the emulator's rate limits are off, as in bench/request-cpu.ts.
 *
 *   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   node bench/compare-checkouts.ts /tmp/before     # prints a table, writes bench/results/compare-checkouts.json
 */
import {
  pacedBurst,
  percentile,
  processCpuMs,
  readUserThroughGateway,
  round,
  startGatewayProcess,
  startMinimalProxy,
  startReadStack,
  writeResults,
  graphql,
} from './lib/stack.ts';

const other = process.argv[2];
if (!other) throw new Error('usage: node bench/compare-checkouts.ts <another checkout>');
const READS = Number(process.env.READS ?? 4_000);
const BURST = 10;
const BURST_EVERY_MS = 130;

const users = Array.from({ length: BURST }, (_, i) => `compare${i}`);
const stack = await startReadStack(users);
const stops: (() => void)[] = [() => stack.stop()];
try {
  const before = await startGatewayProcess(stack.emulatorEnv, { SHARED_READS: 'off' }, other);
  stops.push(() => before.child.kill('SIGTERM'));
  const proxy = await startMinimalProxy(stack);
  stops.push(proxy.stop);
  const query = 'query($u: String!) { user(username: $u) { nickname } }';
  const servers = [
    { name: 'this checkout', pid: stack.gatewayPid, read: (u: string) => readUserThroughGateway(stack, u) },
    { name: other, pid: before.child.pid!, read: (u: string) => graphql(before.graphqlUrl, query, { u }) },
    { name: 'minimal yoga + undici proxy', pid: proxy.pid, read: proxy.read },
  ].map((s) => ({ ...s, cpuMs: 0, bursts: [] as number[] }));
  const burst = async (server: (typeof servers)[number], measured: boolean) => {
    const cpu = processCpuMs(server.pid);
    const took = await pacedBurst(server.read, users, BURST_EVERY_MS);
    if (!measured) return;
    server.cpuMs += processCpuMs(server.pid) - cpu;
    server.bursts.push(took);
  };
  for (let b = 0; b < 100; b++) for (const server of servers) await burst(server, false);
  for (let b = 0; b < READS / BURST; b++) for (let turn = 0; turn < servers.length; turn++) await burst(servers[(b + turn) % servers.length]!, true);

  const proxyPerRead = servers[2]!.cpuMs / READS;
  const results = servers.map((s) => {
    const sorted = s.bursts.sort((a, b) => a - b);
    return {
      server: s.name,
      cpuMsPerRead: Math.round((s.cpuMs / READS) * 1000) / 1000,
      toProxy: Math.round((s.cpuMs / READS / proxyPerRead) * 100) / 100,
      burstMs: { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)) },
    };
  });
  console.table(
    results.map((r) => ({
      server: r.server,
      'CPU ms per read': r.cpuMsPerRead,
      '/ proxy': r.toProxy,
      'burst p50/p90/p99 ms': `${r.burstMs.p50} / ${r.burstMs.p90} / ${r.burstMs.p99}`,
    })),
  );
  await writeResults('compare-checkouts', { readsPerServer: READS, burst: BURST, burstEveryMs: BURST_EVERY_MS, results });
} finally {
  for (const stop of stops.reverse()) stop();
}
