/**
 * Bursts: what a page that opens does. Every 300 ms, B simultaneous `{ user(username:) { nickname } }`
 * queries for B different users (10 and 20), through the gateway, beside the same reads sent straight
 * to the emulator's REST endpoint in the same run. The emulator (`agora-graphql emulator`, its rate
 * limits off, no added latency) and the gateway (`agora-graphql serve`, configured with the emulator's
 * credentials as it would be with Agora's) each run in a process of their own, so that neither the
 * emulator's CPU nor this load generator's is counted as the gateway's.
 *
 *   node bench/bursts.ts     # prints a table, writes bench/results/bursts.json
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildChatAppToken } from '../src/agora/access-token.ts';

const BURST_EVERY_MS = 300;
const BURSTS = 100;
const SIZES = [10, 20];
const USERS = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Runs `agora-graphql <args>` and resolves with its output once `ready` matches it. */
async function startProcess(args: string[], ready: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../src/bin.mjs', import.meta.url)), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agora-graphql ${args.join(' ')} exited (${code}): ${out}`)));
  });
  return { child, out };
}

const emulator = await startProcess(['emulator', '--port', '0'], /AGORA_CHAT_APP_KEY=\S+\n/);
const env = Object.fromEntries([...emulator.out.matchAll(/^\s+(AGORA_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
const gatewayProcess = await startProcess(['serve'], /serving GraphiQL at \S+\n/, { ...env, PORT: '0' });
const graphqlUrl = /serving GraphiQL at (\S+)\n/.exec(gatewayProcess.out)![1]!;
try {
  const url = env.AGORA_CHAT_HOST!;
  // Agora's limits are the gateway's to keep here; the emulator's own would only measure the same thing twice.
  await fetch(`${url}/_emulator/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rateLimits: false }) });
  const [org, app] = env.AGORA_CHAT_APP_KEY!.split('#');
  const token = buildChatAppToken({ appId: env.AGORA_APP_ID!, appCertificate: env.AGORA_APP_CERTIFICATE!, expireSeconds: 3600 });
  const chatBase = `${url}/${org}/${app}`;
  const users = Array.from({ length: USERS }, (_, i) => `burst${i}`);
  const register = await fetch(`${chatBase}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(users.map((username) => ({ username, password: 'secret-1', nickname: `Burst ${username}` }))),
  });
  if (!register.ok) throw new Error(`registering users failed: ${register.status} ${await register.text()}`);


  const direct = (username: string) => fetch(`${chatBase}/users/${username}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.arrayBuffer());
  const gateway = (username: string) =>
    fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($u: String!) { user(username: $u) { nickname } }', variables: { u: username } }),
    }).then(async (r) => {
      const body = (await r.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    });

  async function measure(read: (u: string) => Promise<unknown>, size: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let b = 0; b < BURSTS; b++) {
      const started = performance.now();
      await Promise.all(
        users.slice(0, size).map(async (u) => {
          const t = performance.now();
          await read(u);
          latencies.push(performance.now() - t);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, BURST_EVERY_MS - (performance.now() - started))));
    }
    return latencies.sort((a, b) => a - b);
  }

  // Warm both paths (connections, JIT, the app token) before measuring.
  await measure(direct, 5);
  await measure(gateway, 5);

  const results = [];
  for (const size of SIZES) {
    const d = await measure(direct, size);
    const g = await measure(gateway, size);
    const stats = (s: number[]) => ({ p50: round(percentile(s, 50)), p90: round(percentile(s, 90)), p99: round(percentile(s, 99)) });
    results.push({
      burst: size,
      readsPerSecond: Math.round((size * 1000) / BURST_EVERY_MS),
      shareOfChatBudget: round((size * 1000) / BURST_EVERY_MS / 100),
      direct: stats(d),
      gateway: stats(g),
      addedP50Ms: round(percentile(g, 50) - percentile(d, 50)),
      addedP99Ms: round(percentile(g, 99) - percentile(d, 99)),
    });
  }

  console.table(
    results.map((r) => ({
      'burst of': r.burst,
      'reads/s': r.readsPerSecond,
      'direct p50/p90/p99 ms': `${r.direct.p50} / ${r.direct.p90} / ${r.direct.p99}`,
      'gateway p50/p90/p99 ms': `${r.gateway.p50} / ${r.gateway.p90} / ${r.gateway.p99}`,
      'added p99 ms': r.addedP99Ms,
    })),
  );
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/bursts.json', import.meta.url),
    `${JSON.stringify({ node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, date: new Date().toISOString(), burstEveryMs: BURST_EVERY_MS, bursts: BURSTS, results }, null, 2)}\n`,
  );
} finally {
  gatewayProcess.child.kill('SIGTERM');
  emulator.child.kill('SIGTERM');
}
