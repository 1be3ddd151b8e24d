/**
 * What the benchmarks measure against: the emulator (`agora-graphql emulator`) and the gateway
 * (`agora-graphql serve`, configured with the emulator's credentials as it would be with Agora's), each
 * in a process of its own, so that neither the emulator's CPU nor the load generator's is counted as the
 * gateway's. Also the small helpers every benchmark shares: percentiles, a Chat app token, the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { buildChatAppToken } from '../../src/agora/access-token.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { signToken } from '../../src/auth/tokens.ts';
import type { Role } from '../../src/auth/viewer.ts';

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
export const round = (ms: number) => Math.round(ms * 10) / 10;

const THIS_CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Node flags `agora-graphql` runs with: those of its first line (`#!/usr/bin/env -S node <flags>`),
 * as `npm start` and the Dockerfile give them too. A checkout of before the flags has none.
 */
function nodeFlagsOf(checkout: string): string[] {
  const shebang = readFileSync(join(checkout, 'src/bin.mjs'), 'utf8').split('\n', 1)[0]!;
  return /^#!.*\bnode\b(.*)$/.exec(shebang)![1]!.trim().split(/\s+/).filter(Boolean);
}

/**
 * Runs `agora-graphql <args>` (of this checkout, or another's) as its command runs, and resolves with its
 * output once `ready` matches it.
 */
async function startProcess(
  args: string[],
  ready: RegExp,
  env: Record<string, string> = {},
  checkout = THIS_CHECKOUT,
): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, [...nodeFlagsOf(checkout), join(checkout, 'src/bin.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agora-graphql ${args.join(' ')} exited (${code}): ${out}`)));
  });
  return { child, out };
}

export interface Stack {
  graphqlUrl: string;
  /** The emulator's AGORA_* credentials, as a further gateway is configured with them (startGatewayProcess). */
  emulatorEnv: Record<string, string>;
  emulatorUrl: string;
  /** The Chat REST base of the emulator, and an app token for calling it directly. */
  chatBase: string;
  chatToken: string;
  /** The emulator's control API: latency, settings, call counters. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** The gateway process's CPU time so far (user and system, all its threads, GC helpers too); undefined without Linux's /proc. */
  gatewayCpuMs(): number | undefined;
  /** The gateway process's resident memory (VmRSS, KB); undefined without Linux's /proc. */
  gatewayRssKB(): number | undefined;
  /** The gateway process's id (a heap snapshot is asked of it by a signal: bench/subscriber-heap.ts). */
  gatewayPid: number;
  stop(): void;
}

/** The benchmarks act as a service: an API key the gateway knows by its hash, as an operator configures it. */
export const BENCH_API_KEY = 'bench-api-key-not-a-secret';
const BENCH_API_KEY_HASH = createHash('sha256').update(BENCH_API_KEY).digest('hex');
/** Or as signed-in users, with tokens signed by this secret (HS256, as an identity provider would). */
const BENCH_JWT_SECRET = 'bench-jwt-secret-not-a-secret-0123456789';

/** A token the bench gateway accepts for this user. */
export const benchToken = (sub: string, roles: Role[]): Promise<string> => signToken(BENCH_JWT_SECRET, { sub, roles });

/** `gatewayEnv`: more of the gateway's configuration (e.g. its poll interval). */

/** A process's CPU time so far, user and system, in ms. */
export function processCpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command: utime and stime, in clock
  // ticks of 10 ms (Linux's USER_HZ is 100).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** A gateway (`agora-graphql serve`, of this checkout or another's) configured with the emulator's credentials; answers its process and GraphQL URL. */
export async function startGatewayProcess(
  emulatorEnv: Record<string, string>,
  gatewayEnv: Record<string, string> = {},
  checkout = THIS_CHECKOUT,
): Promise<{ child: ChildProcess; graphqlUrl: string }> {
  const gateway = await startProcess(
    ['serve'],
    /serving GraphiQL at \S+\n/,
    { ...emulatorEnv, PORT: '0', AUTH_API_KEY_HASHES: BENCH_API_KEY_HASH, AUTH_JWT_SECRET: BENCH_JWT_SECRET, ...gatewayEnv },
    checkout,
  );
  return { child: gateway.child, graphqlUrl: /serving GraphiQL at (\S+)\n/.exec(gateway.out)![1]! };
}

export async function startStack(gatewayEnv: Record<string, string> = {}): Promise<Stack> {
  const emulator = await startProcess(['emulator', '--port', '0'], /AGORA_CHAT_APP_KEY=\S+\n/);
  const env = Object.fromEntries([...emulator.out.matchAll(/^\s+(AGORA_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  // A gateway that does not start (a bad NODE_OPTIONS, say) must not leave the emulator running.
  const gateway = await startGatewayProcess(env, gatewayEnv).catch((error: unknown) => {
    emulator.child.kill('SIGTERM');
    throw error;
  });
  const emulatorUrl = env.AGORA_CHAT_HOST!;
  const [org, app] = env.AGORA_CHAT_APP_KEY!.split('#');
  return {
    graphqlUrl: gateway.graphqlUrl,
    emulatorEnv: env,
    emulatorUrl,
    chatBase: `${emulatorUrl}/${org}/${app}`,
    chatToken: buildChatAppToken({ appId: env.AGORA_APP_ID!, appCertificate: env.AGORA_APP_CERTIFICATE!, expireSeconds: 3600 }),
    async control(method, path, body) {
      const res = await fetch(`${emulatorUrl}/_emulator${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json();
    },
    gatewayCpuMs() {
      try {
        return processCpuMs(gateway.child.pid!);
      } catch {
        return undefined;
      }
    },
    gatewayRssKB() {
      try {
        return Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8'))?.[1] ?? NaN);
      } catch {
        return undefined;
      }
    },
    gatewayPid: gateway.child.pid!,
    stop() {
      gateway.child.kill('SIGTERM');
      emulator.child.kill('SIGTERM');
    },
  };
}

/**
 * A stack for measuring what a read costs: shared reads off (every read goes to Agora: what the gateway
 * adds to a call, not what its cache saves), the emulator's rate limits off (Agora's limits are the
 * gateway's to keep; the emulator's would measure the same thing twice), these users registered, and
 * GATEWAY_NODE_OPTIONS (a profiler, say) given to the gateway.
 */
export async function startReadStack(usernames: string[]): Promise<Stack> {
  const stack = await startStack({ SHARED_READS: 'off', ...(process.env.GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS } : {}) });
  try {
    await stack.control('PUT', '/settings', { rateLimits: false });
    await registerUsers(stack, usernames);
    return stack;
  } catch (error) {
    stack.stop();
    throw error;
  }
}

/**
 * One burst: every user read at once, then the pause that keeps a burst starting every `everyMs`. Answers
 * how long the burst took (its last read).
 */
export async function pacedBurst(read: (username: string) => Promise<unknown>, usernames: readonly string[], everyMs: number): Promise<number> {
  const started = performance.now();
  await Promise.all(usernames.map((u) => read(u)));
  const took = performance.now() - started;
  await sleep(everyMs - took);
  return took;
}

/** One GraphQL request; rejects when the answer has errors. */
export async function graphql(url: string, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': BENCH_API_KEY },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
  if (body.errors) throw Object.assign(new Error(JSON.stringify(body.errors)), { code: body.errors[0]?.extensions?.code });
  return body.data ?? {};
}

/** Writes bench/results/<name>.json with where the numbers came from. */
export async function writeResults(name: string, results: unknown): Promise<void> {
  await mkdir(new URL('../results/', import.meta.url), { recursive: true });
  const report = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString(), results };
  await writeFile(new URL(`../results/${name}.json`, import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
}

/** Registers users straight at the emulator (nickname "Bench <name>"). */
export async function registerUsers(stack: Stack, usernames: string[]): Promise<void> {
  const res = await fetch(`${stack.chatBase}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.chatToken}` },
    body: JSON.stringify(usernames.map((username) => ({ username, password: 'secret-1', nickname: `Bench ${username}` }))),
  });
  if (!res.ok) throw new Error(`registering users failed: ${res.status} ${await res.text()}`);
}

/** A user's profile, read straight from the emulator's REST endpoint (the baseline). */
export const readUserDirect = (stack: Stack, username: string) =>
  fetch(`${stack.chatBase}/users/${username}`, { headers: { authorization: `Bearer ${stack.chatToken}` } }).then((r) => r.arrayBuffer());

/** The same read through the gateway. */
export const readUserThroughGateway = (stack: Stack, username: string) =>
  graphql(stack.graphqlUrl, 'query($u: String!) { user(username: $u) { nickname } }', { u: username });

/**
 * The anchor of per-request cost: a minimal graphql-yoga + undici proxy of the same user read
 * (./minimal-proxy.ts), in a process of its own, against the stack's emulator. Answers its URL and a stop.
 */
export async function startMinimalProxy(
  stack: Stack,
  nodeOptions?: string,
): Promise<{ url: string; pid: number; read(username: string): Promise<unknown>; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./minimal-proxy.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CHAT_BASE: stack.chatBase, CHAT_TOKEN: stack.chatToken, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /minimal proxy at (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the minimal proxy exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    read: (u) => graphql(url, 'query($u: String!) { user(username: $u) { nickname } }', { u }),
    stop: () => void child.kill('SIGTERM'),
  };
}

/** The subscription idle subscribers hold in the memory benchmarks, as bench/fanout.ts subscribes. */
export const IDLE_SUBSCRIPTION = 'subscription Mine($users: [String!]) { userEvents(usernames: $users) { at type user { username } } }';

/** The same subscription on the memory anchor (bench/lib/bare-yoga-ws.ts), whose events are strings. */
export const ANCHOR_SUBSCRIPTION = 'subscription Mine($users: [String!]) { userEvents(usernames: $users) }';

/**
 * The memory anchor, graphql-yoga with graphql-ws alone, in a process of its own as the gateway is
 * (`env`: more of its environment, e.g. NODE_OPTIONS).
 */
export async function startMemoryAnchor(env: Record<string, string> = {}): Promise<{ graphqlUrl: string; pid: number; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bare-yoga-ws.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const graphqlUrl = await new Promise<string>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => /at (\S+)/.test(String(d)) && resolve(/at (\S+)/.exec(String(d))![1]!)),
  );
  return { graphqlUrl, pid: child.pid!, stop: () => child.kill() };
}

/**
 * `count` graphql-ws subscribers, a socket each, each signed in as its own user (`sub<n>`, from `from` on,
 * role moderator, who may watch "everyone") and subscribed to `query` with `users: [itself, "everyone"]`,
 * 200 connecting at once; answers once the server acknowledged every socket.
 */
export async function connectIdleSubscribers(graphqlUrl: string, count: number, query = IDLE_SUBSCRIPTION, from = 0): Promise<Client[]> {
  const clients: Client[] = [];
  let acknowledged = 0;
  for (let i = from; i < from + count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, from + count - i) }, async (_, j) => {
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
  while (acknowledged < count) await new Promise((resolve) => setTimeout(resolve, 100));
  return clients;
}
