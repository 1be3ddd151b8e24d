/**
 * What one read costs the server that answers it, in CPU: the gateway and the minimal yoga + undici
 * proxy (bench/lib/minimal-proxy.ts, the anchor of bursts and steady latency) each answer READS
 * `{ user(username:) { nickname } }` reads, in bursts of 10, and their processes' CPU time (from /proc,
 * user + system, less what each process spends idle over as long) is divided by the reads. In a burst
 * the last read waits for the ones before it on one event loop, so this is what sets the burst ratio of
 * bench/bursts.ts. The bursts are paced at one every BURST_EVERY_MS (77 reads a second), within the
 * 100/s of Chat's user reads that the gateway keeps: a faster load would measure its budget's queue, which
 * the proxy does not have. Shared reads are off (every read goes to Agora), the emulator's rate limits
 * too. NODE_OPTIONS=--cpu-prof for a profile: set GATEWAY_NODE_OPTIONS, and PROXY_NODE_OPTIONS for the
 * proxy's.
 *
 *   node bench/request-cpu.ts      # prints a table, writes bench/results/request-cpu.json
 */
import { processCpuMs, readUserThroughGateway, round, startMinimalProxy, startReadStack, writeResults } from './lib/stack.ts';

const READS = Number(process.env.READS ?? 3_000);
const BURST = 10;
const BURST_EVERY_MS = 130;
/** Microsecond precision, in milliseconds. */
const micros = (ms: number) => Math.round(ms * 1000) / 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const users = Array.from({ length: BURST }, (_, i) => `cpu${i}`);
const stack = await startReadStack(users);
let stopProxy = () => undefined as void;
try {
  const proxy = await startMinimalProxy(stack, process.env.PROXY_NODE_OPTIONS);
  stopProxy = proxy.stop;
  const bursts = async (read: (u: string) => Promise<unknown>, reads: number) => {
    for (let done = 0; done < reads; done += BURST) {
      const started = performance.now();
      await Promise.all(users.map((u) => read(u)));
      await sleep(Math.max(0, BURST_EVERY_MS - (performance.now() - started)));
    }
  };
  /** CPU ms per wall-clock ms of a process that answers nothing (its timers, its poller). */
  const idleRate = async (pid: number) => {
    const before = processCpuMs(pid);
    const started = performance.now();
    await sleep(5_000);
    return (processCpuMs(pid) - before) / (performance.now() - started);
  };
  const perRead = async (pid: number, idle: number, read: (u: string) => Promise<unknown>) => {
    const before = processCpuMs(pid);
    const started = performance.now();
    await bursts(read, READS);
    return (processCpuMs(pid) - before - idle * (performance.now() - started)) / READS;
  };
  const gateway = (u: string) => readUserThroughGateway(stack, u);
  // Warm both (connections, JIT, the app token).
  await bursts(gateway, 1_000);
  await bursts(proxy.read, 1_000);
  const gatewayIdle = await idleRate(stack.gatewayPid);
  const proxyIdle = await idleRate(proxy.pid);
  // Alternated halves, so that a slow moment of the machine falls on both.
  const g1 = await perRead(stack.gatewayPid, gatewayIdle, gateway);
  const p1 = await perRead(proxy.pid, proxyIdle, proxy.read);
  const p2 = await perRead(proxy.pid, proxyIdle, proxy.read);
  const g2 = await perRead(stack.gatewayPid, gatewayIdle, gateway);
  const results = {
    reads: 2 * READS,
    burst: BURST,
    burstEveryMs: BURST_EVERY_MS,
    idleCpuMsPerSecond: { gateway: round(gatewayIdle * 1000), minimalProxy: round(proxyIdle * 1000) },
    gatewayCpuMsPerRead: micros((g1 + g2) / 2),
    minimalProxyCpuMsPerRead: micros((p1 + p2) / 2),
    ratio: round((g1 + g2) / (p1 + p2)),
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
