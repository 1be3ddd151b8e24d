/**
 * What one read costs the server that answers it, in CPU: the gateway and the minimal yoga + undici
 * proxy (bench/lib/minimal-proxy.ts, the anchor of bursts and steady latency) each answer READS
 * `{ user(username:) { nickname } }` reads, in bursts of 10, and their processes' CPU time (from /proc,
 * user + system) is divided by the reads. In a burst the last read waits for the ones before it on one
 * event loop, so this is what sets the burst ratio of bench/bursts.ts. Shared reads are off (every read
 * goes to Agora), the emulator's rate limits too. NODE_OPTIONS=--cpu-prof for a profile: set
 * GATEWAY_NODE_OPTIONS, and PROXY_NODE_OPTIONS for the proxy's.
 *
 *   node bench/request-cpu.ts      # prints a table, writes bench/results/request-cpu.json
 */
import { processCpuMs, readUserThroughGateway, round, startMinimalProxy, startReadStack, writeResults } from './lib/stack.ts';

const READS = Number(process.env.READS ?? 6_000);
/** Microsecond precision, in milliseconds. */
const micros = (ms: number) => Math.round(ms * 1000) / 1000;
const BURST = 10;

const users = Array.from({ length: BURST }, (_, i) => `cpu${i}`);
const stack = await startReadStack(users);
let stopProxy = () => undefined as void;
try {
  const proxy = await startMinimalProxy(stack, process.env.PROXY_NODE_OPTIONS);
  stopProxy = proxy.stop;
  const bursts = async (read: (u: string) => Promise<unknown>, reads: number) => {
    for (let done = 0; done < reads; done += BURST) await Promise.all(users.map((u) => read(u)));
  };
  const perRead = async (pid: number, read: (u: string) => Promise<unknown>) => {
    const before = processCpuMs(pid);
    await bursts(read, READS);
    return (processCpuMs(pid) - before) / READS;
  };
  const gateway = (u: string) => readUserThroughGateway(stack, u);
  // Warm both (connections, JIT, the app token).
  await bursts(gateway, 1_000);
  await bursts(proxy.read, 1_000);
  // Alternated halves, so that a slow moment of the machine falls on both.
  const g1 = await perRead(stack.gatewayPid, gateway);
  const p1 = await perRead(proxy.pid, proxy.read);
  const p2 = await perRead(proxy.pid, proxy.read);
  const g2 = await perRead(stack.gatewayPid, gateway);
  const results = {
    reads: 2 * READS,
    gatewayCpuMsPerRead: micros((g1 + g2) / 2),
    minimalProxyCpuMsPerRead: micros((p1 + p2) / 2),
    ratio: round((g1 + g2) / (p1 + p2)),
  };
  console.table([
    { server: 'agora-graphql', 'CPU ms per read': results.gatewayCpuMsPerRead },
    { server: 'minimal yoga + undici proxy', 'CPU ms per read': results.minimalProxyCpuMsPerRead },
  ]);
  console.log(`gateway / proxy: ${results.ratio}`);
  await writeResults('request-cpu', results);
} finally {
  stopProxy();
  stack.stop();
}
