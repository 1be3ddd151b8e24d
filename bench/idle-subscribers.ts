/**
 * Memory per idle subscriber, beside its anchor in the same run: SUBSCRIBERS graphql-ws subscribers (one
 * socket each, each signed in as its own user, subscribed to `userEvents` as bench/fanout.ts subscribes) on
 * the gateway, and the same number on graphql-yoga with graphql-ws alone (bench/lib/bare-yoga-ws.ts). Each
 * server runs in a process of its own; its resident memory (VmRSS) is read before and IDLE_SECONDS after the
 * subscribers connected.
 *
 *   node bench/idle-subscribers.ts               # 5,000 subscribers; prints a table, writes bench/results/idle-subscribers.json
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { benchToken, round, startStack, writeResults } from './lib/stack.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 5_000);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 10);
const SUBSCRIPTION = 'subscription Mine($users: [String!]) { userEvents(usernames: $users) { at type user { username } } }';
const ANCHOR_SUBSCRIPTION = 'subscription Mine($users: [String!]) { userEvents(usernames: $users) }';
const rssKB = (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects the subscribers, each signed in as its own user; answers once the server acknowledged every socket. */
async function connect(graphqlUrl: string, query: string): Promise<Client[]> {
  const clients: Client[] = [];
  let acknowledged = 0;
  for (let i = 0; i < SUBSCRIBERS; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, SUBSCRIBERS - i) }, async (_, j) => {
        const username = `sub${i + j}`;
        const token = await benchToken(username, ['moderator']);
        const client = createClient({
          url: graphqlUrl.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}` },
          on: { connected: () => void acknowledged++ },
        });
        clients.push(client);
        client.subscribe({ query, variables: { users: [username, 'everyone'] } }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      }),
    );
  }
  while (acknowledged < SUBSCRIBERS) await pause(100);
  // The subscribe messages follow the acknowledgement: a moment for the last of them.
  await pause(1000);
  return clients;
}

async function measure(pid: number, graphqlUrl: string, query: string): Promise<number> {
  await pause(1000);
  const before = rssKB(pid);
  const clients = await connect(graphqlUrl, query);
  await pause(IDLE_SECONDS * 1000);
  const after = rssKB(pid);
  await Promise.all(clients.map((c) => c.dispose()));
  return round((after - before) / SUBSCRIBERS);
}

const anchor = spawn(process.execPath, [fileURLToPath(new URL('./lib/bare-yoga-ws.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const anchorUrl = await new Promise<string>((resolve) =>
  anchor.stdout.on('data', (d: Buffer) => /at (\S+)/.test(String(d)) && resolve(/at (\S+)/.exec(String(d))![1]!)),
);
const stack = await startStack();
try {
  const anchorKB = await measure(anchor.pid!, anchorUrl, ANCHOR_SUBSCRIPTION);
  anchor.kill();
  const gatewayKB = await measure(stack.gatewayPid, stack.graphqlUrl, SUBSCRIPTION);
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
  anchor.kill();
  stack.stop();
}
