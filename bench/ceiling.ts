/**
 * The gateway's ceiling against its anchor, in one run: requests per second of `{ health }` for a
 * signed-in caller (a JWT in Authorization), from 20 connections, through the gateway and through bare
 * graphql-yoga on the same Node (each in a process of its own; the load generator is this process).
 * Each is measured twice, alternately, and its best run counts (a 2-core machine is noisy).
 *
 *   node bench/ceiling.ts     # prints a table, writes bench/results/ceiling.json
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { benchToken, startStack, writeResults } from './lib/stack.ts';

const CONNECTIONS = 20;
const SECONDS = Number(process.env.SECONDS ?? 8);
const BODY = JSON.stringify({ query: '{ health }' });

async function startBareYoga(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./lib/bare-yoga.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      const m = /bare yoga at (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bare yoga exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Requests per second from CONNECTIONS keep-alive connections, each sending one request after another. */
async function rate(url: string, token: string): Promise<number> {
  const dispatcher = new Agent({ connections: CONNECTIONS, pipelining: 1 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let served = 0;
  let failed = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        const res = await request(url, { method: 'POST', headers, body: BODY, dispatcher });
        const text = await res.body.text();
        if (res.statusCode === 200 && text.includes('"ok"')) served++;
        else if (failed++ === 0) console.error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
      }
    }),
  );
  await dispatcher.close();
  if (failed > 0) throw new Error(`${failed} requests to ${url} failed`);
  return Math.round(served / SECONDS);
}

// One caller's fair share (operations a second) is raised out of the way: the ceiling is the gateway's work, not its policy.
const stack = await startStack({
  FAIR_OPERATIONS_PER_SECOND: '1000000',
  ...(process.env.AUTH_TOKEN_CACHE_SIZE ? { AUTH_TOKEN_CACHE_SIZE: process.env.AUTH_TOKEN_CACHE_SIZE } : {}),
});
const bare = await startBareYoga();
try {
  const token = await benchToken('alice', ['user']);
  // Warm both (JIT, connections, the gateway's caches of a document).
  await rate(stack.graphqlUrl, token);
  await rate(bare.url, token);
  const runs: { gateway: number; bare: number }[] = [];
  for (let i = 0; i < 2; i++) runs.push({ gateway: await rate(stack.graphqlUrl, token), bare: await rate(bare.url, token) });
  const gateway = Math.max(...runs.map((r) => r.gateway));
  const anchor = Math.max(...runs.map((r) => r.bare));
  const ratio = Math.round((gateway / anchor) * 100) / 100;
  console.table(
    runs.map((r, i) => ({ run: i + 1, 'gateway req/s': r.gateway, 'bare yoga req/s': r.bare, ratio: Math.round((r.gateway / r.bare) * 100) / 100 })),
  );
  console.log(`ceiling (best of ${runs.length}): gateway ${gateway} req/s, bare yoga ${anchor} req/s, ratio ${ratio} (target 0.75)`);
  await writeResults('ceiling', {
    date: new Date().toISOString(),
    query: '{ health }',
    signedIn: true,
    connections: CONNECTIONS,
    seconds: SECONDS,
    runs,
    gateway,
    bare: anchor,
    ratio,
  });
} finally {
  bare.stop();
  stack.stop();
}
