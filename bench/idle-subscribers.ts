/**
 * Memory per idle subscriber, beside its anchor in the same run: SUBSCRIBERS graphql-ws subscribers (one
 * socket each, each signed in as its own user, subscribed to `userEvents` as bench/fanout.ts subscribes) on
 * the gateway, and the same number on graphql-yoga with graphql-ws alone (bench/lib/bare-yoga-ws.ts). Each
 * server runs in a process of its own; its resident memory (VmRSS) is read before and IDLE_SECONDS after the
 * subscribers connected.
 *
 *   node bench/idle-subscribers.ts               # 5,000 subscribers; prints a table, writes bench/results/idle-subscribers.json
 */
import { readFileSync } from 'node:fs';
import { ANCHOR_SUBSCRIPTION, connectIdleSubscribers, IDLE_SUBSCRIPTION, round, startMemoryAnchor, startStack, writeResults } from './lib/stack.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 5_000);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 10);
const rssKB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(pid: number, graphqlUrl: string, query: string): Promise<number> {
  await pause(1000);
  const before = rssKB(pid);
  const clients = await connectIdleSubscribers(graphqlUrl, SUBSCRIBERS, query);
  // The subscribe messages follow the acknowledgements: a moment for the last of them.
  await pause(1000);
  await pause(IDLE_SECONDS * 1000);
  const after = rssKB(pid);
  await Promise.all(clients.map((c) => c.dispose()));
  return round((after - before) / SUBSCRIBERS);
}

const anchor = await startMemoryAnchor();
const stack = await startStack();
try {
  const anchorKB = await measure(anchor.pid, anchor.graphqlUrl, ANCHOR_SUBSCRIPTION);
  anchor.stop();
  const gatewayKB = await measure(stack.gatewayPid, stack.graphqlUrl, IDLE_SUBSCRIPTION);
  const results = {
    subscribers: SUBSCRIBERS,
    idleSeconds: IDLE_SECONDS,
    gatewayRssPerSubscriberKB: gatewayKB,
    anchorRssPerSubscriberKB: anchorKB,
    ratio: round(gatewayKB / anchorKB),
  };
  console.table([
    { server: 'agora-graphql', 'RSS per idle subscriber (KB)': gatewayKB },
    { server: 'graphql-yoga + graphql-ws alone', 'RSS per idle subscriber (KB)': anchorKB },
  ]);
  console.log(`gateway / anchor: ${results.ratio} (target: 35 KB per subscriber at 5,000)`);
  await writeResults('idle-subscribers', results);
} finally {
  anchor.stop();
  stack.stop();
}
