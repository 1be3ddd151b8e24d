/**
 * Send throughput through the rate budget, against the emulator with Agora's limits enforced.
 * Offers N sends at once (half peer, half channel) and reports throughput, latency percentiles and how
 * many calls Agora (the emulator) refused with 429: the budget's job is to make that zero.
 *
 *   npm run bench            # prints a table, writes bench/results/signaling-send.json
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createAgoraClient } from '../src/agora/client.ts';
import { hostPlanFromList } from '../src/agora/hosts.ts';
import { createEmulator } from '../src/emulator/server.ts';

interface Scenario {
  name: string;
  sends: number;
  latencyMs: number;
}

const scenarios: Scenario[] = [
  { name: '1,000 sends, no added latency', sends: 1000, latencyMs: 0 },
  { name: '2,000 sends, no added latency', sends: 2000, latencyMs: 0 },
  { name: '1,000 sends, 20 ms upstream latency', sends: 1000, latencyMs: 20 },
];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(s: Scenario) {
  const emulator = createEmulator();
  const url = await emulator.listen();
  emulator.traffic.latencyMs = s.latencyMs;
  const { appId, customerKey, customerSecret } = emulator.project;
  const client = createAgoraClient({
    appId,
    signaling: { hosts: hostPlanFromList([url]), credentials: { kind: 'basic', customerKey, customerSecret } },
  });
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: s.sends }, async (_, i) => {
      const t = performance.now();
      if (i % 2 === 0) await client.signaling.sendPeerMessage({ from: 'bench', to: `u${i}`, payload: 'x' });
      else await client.signaling.sendChannelMessage({ from: 'bench', channel: 'bench', payload: 'x' });
      latencies.push(performance.now() - t);
    }),
  );
  const elapsedMs = performance.now() - started;
  const counters = emulator.traffic.snapshot();
  const status429 = (counters['signaling.sendPeerMessage']?.byStatus['429'] ?? 0) + (counters['signaling.sendChannelMessage']?.byStatus['429'] ?? 0);
  await client.close();
  await emulator.close();
  latencies.sort((a, b) => a - b);
  return {
    scenario: s.name,
    sends: s.sends,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round((s.sends / elapsedMs) * 1000),
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    upstream429: status429,
    documentedLimitPerSecond: 500,
  };
}

const results = [];
for (const s of scenarios) results.push(await run(s));
console.table(results);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/signaling-send.json', import.meta.url),
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`,
);
