/**
 * The screens of a chat product, read from the gateway's message store: 1,000 users with 100 one-to-one
 * conversations each (50,000 conversations; two messages in each, and 60 in each user's first), every
 * user also in a group. Through real HTTP, 20 clients at once read, as random users, their conversation
 * list (`conversations(first: 20)` with unread counts and last messages) and the newest 50 messages of
 * their first conversation. Once with the in-memory store, once with Redis (a redis-server this bench
 * starts, when Debian's is installed). After one warm-up list per user (which reads each user's groups
 * and rooms from Agora into the shared reads), the reads should make no upstream call; the table says
 * how many they made. Anchor, in the same run: bare graphql-yoga answering `{ ok }` to the same clients.
 *
 *   node bench/conversations.ts     # prints a table, writes bench/results/conversations.json
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { buildApp, type App } from '../src/app.ts';
import type { ArchivedMessage } from '../src/agora/chat/messages.ts';
import { signToken } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config.ts';
import { peerKey } from '../src/conversations/store.ts';
import { createLogger } from '../src/observability/logger.ts';
import { percentile, round, writeResults } from './lib/stack.ts';

const USERS = Number(process.env.USERS ?? 1000);
const PEERS_EACH_WAY = 50; // user i talks with i+1..i+50 and i-1..i-50: 100 conversations each
const CLIENTS = 20;
const REQUESTS = Number(process.env.REQUESTS ?? 4000);
const SECRET = 'bench-conversations-secret-0123456789abcdef';
const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

const name = (i: number) => `u${String(((i % USERS) + USERS) % USERS).padStart(4, '0')}`;
const LIST = `{ conversations(first: 20) { edges { node { id type with { username } lastActivityAt unreadCount lastMessage { messageId sentAt body { ... on TextBody { text } } } } } } }`;
const HISTORY = `query ($id: ID!) { node(id: $id) { ... on Conversation { messages(last: 50) { edges { cursor node { messageId sentAt sender { username } body { ... on TextBody { text } } } } } } } }`;

async function startRedis(): Promise<{ url: string; stop(): void } | undefined> {
  if (!existsSync(REDIS_SERVER)) return undefined;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error('redis-server did not start')));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

/** Runs `REQUESTS` requests from `CLIENTS` clients; answers sorted latencies (ms) and failures. */
async function load(send: () => Promise<boolean>): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  let left = REQUESTS;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left-- > 0) {
        const start = performance.now();
        const ok = await send().catch(() => false);
        latencies.push(performance.now() - start);
        if (!ok) failed++;
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), failed };
}

const stats = (r: { latencies: number[]; failed: number }) => ({
  p50Ms: round(percentile(r.latencies, 50)),
  p99Ms: round(percentile(r.latencies, 99)),
  failed: r.failed,
});

async function anchor() {
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }), logging: false });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const body = JSON.stringify({ query: '{ ok }' });
  const result = await load(async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).ok);
  server.close();
  return stats(result);
}

function seedMessages(now: number): ArchivedMessage[] {
  const out: ArchivedMessage[] = [];
  let id = 1_000_000_000;
  const message = (from: string, to: string, at: number, text: string): ArchivedMessage => ({
    id: String(++id),
    from,
    to,
    conversation: 'user',
    timestamp: at,
    bodies: [{ type: 'txt', msg: text }],
    ext: undefined,
  });
  for (let i = 0; i < USERS; i++) {
    for (let k = 1; k <= PEERS_EACH_WAY; k++) {
      const [a, b] = [name(i), name(i + k)];
      out.push(message(a, b, now - 3_600_000 + i * 50 + k, 'hello'), message(b, a, now - 3_500_000 + i * 50 + k, 'hi back'));
    }
    for (let m = 0; m < 60; m++) out.push(message(m % 2 ? name(i) : name(i + 1), m % 2 ? name(i + 1) : name(i), now - 600_000 + i * 100 + m, `line ${m}`));
  }
  return out;
}

async function measure(store: 'memory' | 'redis', redisUrl?: string) {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: SECRET,
    SHARED_READS: 'on',
    // The list's membership read stays cached for the run (a chat client polls its list; changes drop it).
    CACHE_TTL_COLLECTIVE_MS: '600000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const app: App = await buildApp(config, { logger: createLogger('silent') });
  const { graphqlUrl } = await app.start();
  try {
    const chat = app.emulator!.state.chat;
    const users = Array.from({ length: USERS }, (_, i) => name(i));
    for (const u of users) chat.addUser(u);
    for (let g = 0; g < USERS; g += 100)
      chat.addCollective('group', { name: `team ${g}`, owner: users[g]!, members: users.slice(g + 1, g + 100), maxUsers: 200 });
    const seedStart = performance.now();
    const all = seedMessages(Date.now());
    for (let i = 0; i < all.length; i += 2000) await app.conversations.add(all.slice(i, i + 2000));
    const seedMs = performance.now() - seedStart;
    const tokens = await Promise.all(users.map((u) => signToken(SECRET, { sub: u, roles: ['user'] })));
    const post = (i: number, query: string, variables?: Record<string, unknown>) =>
      fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
        body: JSON.stringify({ query, variables }),
      }).then(async (res) => res.ok && !((await res.json()) as { errors?: unknown }).errors);

    // Warm-up: each user's list once (their groups and rooms, read from Agora into the shared reads).
    const warmStart = performance.now();
    for (let i = 0; i < USERS; i += CLIENTS) await Promise.all(users.slice(i, i + CLIENTS).map((_u, j) => post(i + j, LIST)));
    const warmMs = performance.now() - warmStart;

    // Chat's calls (the event poller reads Signaling's feeds beside, which no read here asks for).
    const chatCalls = () => Object.entries(app.emulator!.traffic.snapshot()).reduce((sum, [route, c]) => sum + (route.startsWith('chat.') ? c.total : 0), 0);
    const callsBefore = chatCalls();
    const pick = () => Math.floor(Math.random() * USERS);
    const list = await load(() => post(pick(), LIST));
    const history = await load(() => {
      const i = pick();
      return post(i, HISTORY, { id: Buffer.from(`Conversation:${peerKey(name(i), name(i + 1))}`).toString('base64') });
    });
    const upstreamCalls = chatCalls() - callsBefore;
    return { store, messages: all.length, seedMs: Math.round(seedMs), warmUpMs: Math.round(warmMs), list: stats(list), history: stats(history), upstreamCalls };
  } finally {
    await app.stop();
  }
}

const redis = await startRedis();
try {
  const bare = await anchor();
  const rows = [await measure('memory')];
  if (redis) rows.push(await measure('redis', redis.url));
  console.log(`conversations: ${USERS} users x ${2 * PEERS_EACH_WAY} conversations, ${CLIENTS} clients, ${REQUESTS} requests per read`);
  console.log('store   read                      p50 ms   p99 ms   failed   upstream calls (both reads)');
  console.log(`anchor  bare yoga { ok }          ${String(bare.p50Ms).padStart(6)}   ${String(bare.p99Ms).padStart(6)}   ${bare.failed}`);
  for (const r of rows) {
    console.log(
      `${r.store.padEnd(7)} conversations(first: 20)  ${String(r.list.p50Ms).padStart(6)}   ${String(r.list.p99Ms).padStart(6)}   ${String(r.list.failed).padStart(6)}   ${r.upstreamCalls}`,
    );
    console.log(
      `${r.store.padEnd(7)} messages(last: 50)        ${String(r.history.p50Ms).padStart(6)}   ${String(r.history.p99Ms).padStart(6)}   ${String(r.history.failed).padStart(6)}`,
    );
  }
  if (!redis) console.log('(no redis-server: the Redis store was not measured)');
  await writeResults('conversations', { date: new Date().toISOString(), users: USERS, clients: CLIENTS, requests: REQUESTS, anchor: bare, rows });
} finally {
  redis?.stop();
}
