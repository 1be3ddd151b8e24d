/**
 * What one read costs the server that answers it, in CPU: the gateway and the minimal yoga + undici
 * proxy (bench/lib/minimal-proxy.ts, the anchor of bursts and steady latency) each answer READS
 * `{ user(username:) { nickname } }` reads, in bursts of 10 that take turns burst by burst, and their
 * processes' CPU time (from /proc, user + system, less what each process spends idle over as long) is
 * divided by the reads. In a burst the last read waits for the ones before it on one event loop, so this
 * is what sets the burst ratio of bench/bursts.ts. A burst starts every BURST_EVERY_MS, the two servers
 * taking turns (each about 38 reads a second), within the 100/s of Chat's user reads that the gateway
 * keeps: a faster load would measure its budget's queue, which the proxy does not have. Shared reads are
 * off (every read goes to Agora), the emulator's rate limits too. NODE_OPTIONS=--cpu-prof for a profile:
 * set GATEWAY_NODE_OPTIONS, and PROXY_NODE_OPTIONS for the proxy's.
 *
 *   node bench/request-cpu.ts      # prints a table, writes bench/results/request-cpu.json
 */
import { sleep } from '../src/lib/sleep.ts';
import { pacedBurst, processCpuMs, readUserThroughGateway, round, startMinimalProxy, startReadStack, writeResults } from './lib/stack.ts';

const READS = Number(process.env.READS ?? 4_000);
const BURST = 10;
const BURST_EVERY_MS = 130;
/** Microsecond precision, in milliseconds. */
const micros = (ms: number) => Math.round(ms * 1000) / 1000;

const users = Array.from({ length: BURST }, (_, i) => `cpu${i}`);
const stack = await startReadStack(users);
let stopProxy = () => undefined as void;
try {
  const proxy = await startMinimalProxy(stack, process.env.PROXY_NODE_OPTIONS);
  stopProxy = proxy.stop;
  const burst = (read: (u: string) => Promise<unknown>) => pacedBurst(read, users, BURST_EVERY_MS);
  /** CPU ms per wall-clock ms of a process that answers nothing (its timers, its poller). */
  const idleRate = async (pid: number) => {
    const before = processCpuMs(pid);
    const started = performance.now();
    await sleep(5_000);
    return (processCpuMs(pid) - before) / (performance.now() - started);
  };
  const gateway = (u: string) => readUserThroughGateway(stack, u);
  const servers = [
    { pid: stack.gatewayPid, read: gateway, cpuMs: 0 },
    { pid: proxy.pid, read: proxy.read, cpuMs: 0 },
  ];
  // Warm both (connections, JIT, the app token).
  for (let b = 0; b < 100; b++) for (const server of servers) await burst(server.read);
  const idle = [await idleRate(stack.gatewayPid), await idleRate(proxy.pid)] as const;
  // Burst by burst, the two taking turns in a rotating order, so that a slow moment of the machine falls
  // on both: each is charged the CPU its process spent over its own burst and pause, less its idle rate.
  for (let b = 0; b < READS / BURST; b++) {
    for (let turn = 0; turn < servers.length; turn++) {
      const which = (b + turn) % servers.length;
      const server = servers[which]!;
      const before = processCpuMs(server.pid);
      const started = performance.now();
      await burst(server.read);
      server.cpuMs += processCpuMs(server.pid) - before - idle[which]! * (performance.now() - started);
    }
  }
  const [gatewayPerRead, proxyPerRead] = servers.map((s) => s.cpuMs / READS) as [number, number];
  const results = {
    readsPerServer: READS,
    burst: BURST,
    burstEveryMs: BURST_EVERY_MS,
    idleCpuMsPerSecond: { gateway: round(idle[0] * 1000), minimalProxy: round(idle[1] * 1000) },
    gatewayCpuMsPerRead: micros(gatewayPerRead),
    minimalProxyCpuMsPerRead: micros(proxyPerRead),
    ratio: Math.round((gatewayPerRead / proxyPerRead) * 100) / 100,
  };
  console.table([
    { server: 'agora-graphql', 'CPU ms per read': results.gatewayCpuMsPerRead, 'idle CPU ms/s': results.idleCpuMsPerSecond.gateway },
    { server: 'minimal yoga + undici proxy', 'CPU ms per read': results.minimalProxyCpuMsPerRead, 'idle CPU ms/s': results.idleCpuMsPerSecond.minimalProxy },
  ]);
  console.log(`gateway / proxy: ${results.ratio}`);
  await writeResults('request-cpu', results);
} finally {
  stopProxy();
  stack.stop();
}
