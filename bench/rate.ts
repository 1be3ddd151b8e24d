/**
 * Rate: Signaling channel messages sent through the gateway's `sendChannelMessage`, offered at twice
 * Agora's 500 calls/s for 10 s, with the emulator's limits on (it answers 429 past them, as Agora does).
 * Reports the upstream 429s (target 0), the upstream rate achieved against the budget (target >= 0.95),
 * and what clients saw. Emulator, gateway and this load generator each run in a process of their own.
 * The gateway is warmed first (2 s of sends at half the limit, then a quiet window), as a gateway in
 * service is: a cold one spends its first second or two compiling (measured cold: 0.89 to 0.93).
 *
 *   node bench/rate.ts       # prints a table, writes bench/results/rate.json
 */
import { graphql, startStack, writeResults } from './lib/stack.ts';

const LIMIT_PER_SECOND = 500;
const OFFERED_PER_SECOND = 2 * LIMIT_PER_SECOND;
const SECONDS = 10;
const TICK_MS = 10;

interface RouteCounter {
  byStatus: Record<string, number>;
}

const WARM_UP_SECONDS = 2;

const stack = await startStack();
try {
  const routes = async () => ((await stack.control('GET', '/calls')) as { routes: Record<string, RouteCounter> }).routes;
  const status = (routes: Record<string, RouteCounter>, code: string) => routes['signaling.sendChannelMessage']?.byStatus[code] ?? 0;
  const warmUp: Promise<unknown>[] = [];
  for (let i = 0; i < (LIMIT_PER_SECOND / 2) * WARM_UP_SECONDS; i++) {
    warmUp.push(
      graphql(stack.graphqlUrl, 'mutation($i: SendChannelMessageInput!) { sendChannelMessage(input: $i) { status } }', {
        i: { from: 'bench', channel: 'warm', payload: `w${i}` },
      }),
    );
    if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.all(warmUp);
  // A quiet window: the warm-up's slots leave the budget before the measured run starts.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const before = await routes();

  const seen: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const send = (i: number) =>
    graphql(stack.graphqlUrl, 'mutation($i: SendChannelMessageInput!) { sendChannelMessage(input: $i) { status } }', {
      i: { from: 'bench', channel: 'rate', payload: `m${i}` },
    }).then(
      () => void (seen.OK = (seen.OK ?? 0) + 1),
      (e: { code?: string }) => void (seen[e.code ?? 'ERROR'] = (seen[e.code ?? 'ERROR'] ?? 0) + 1),
    );
  const started = performance.now();
  let sent = 0;
  for (let tick = 0; performance.now() - started < SECONDS * 1000; tick++) {
    for (let k = 0; k < (OFFERED_PER_SECOND * TICK_MS) / 1000; k++) pending.push(send(sent++));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (tick + 1) * TICK_MS - performance.now())));
  }
  const elapsedMs = performance.now() - started;
  const atEnd = await routes();
  await Promise.all(pending);
  const final = await routes();
  const result = {
    offeredPerSecond: OFFERED_PER_SECOND,
    seconds: SECONDS,
    offered: sent,
    upstream429: status(final, '429') - status(before, '429'),
    upstreamSentWhileOffered: status(atEnd, '200') - status(before, '200'),
    shareOfBudget: Math.round(((status(atEnd, '200') - status(before, '200')) / ((LIMIT_PER_SECOND * elapsedMs) / 1000)) * 1000) / 1000,
    clientsSaw: seen,
  };
  console.table([
    {
      offered: `${result.offered} (${OFFERED_PER_SECOND}/s)`,
      'upstream 429': result.upstream429,
      'share of budget': result.shareOfBudget,
      'clients saw': JSON.stringify(seen),
    },
  ]);
  await writeResults('rate', result);
} finally {
  stack.stop();
}
