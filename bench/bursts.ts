/**
 * Bursts: what a page that opens does. Every 300 ms, B simultaneous `{ user(username:) { nickname } }`
 * queries for B different users (10 and 20), through the gateway, beside the same reads sent straight
 * to the emulator's REST endpoint in the same run. The emulator runs in its own process
 * (`agora-graphql emulator`, its rate limits off, no added latency), so its CPU is not counted as the
 * gateway's; the gateway runs in this process against it as it would against Agora.
 *
 *   node bench/bursts.ts     # prints a table, writes bench/results/bursts.json
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildChatAppToken } from '../src/agora/access-token.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createServer } from '../src/server.ts';

const BURST_EVERY_MS = 300;
const BURSTS = 100;
const SIZES = [10, 20];
const USERS = 20;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function startEmulatorProcess() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../src/bin.mjs', import.meta.url)), 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/AGORA_CHAT_APP_KEY=\S+\n/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${out}`)));
  });
  const env = Object.fromEntries([...out.matchAll(/^\s+(AGORA_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, env, url: env.AGORA_CHAT_HOST! };
}

const emulator = await startEmulatorProcess();
try {
  const { env, url } = emulator;
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

  const server = createServer(loadConfig({ ...env, PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
  const { graphqlUrl } = await server.start();

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
  await server.stop();

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
  emulator.child.kill('SIGTERM');
}
