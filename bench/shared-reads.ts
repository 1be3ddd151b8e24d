/**
 * Shared reads under a popular-key workload: N clients (100, then 1,000) each asking in a loop for a
 * user's profile and online status, 80% of the time one of 20 popular users, else one of 500 others, for
 * 20 s. Meanwhile a popular user's nickname is changed behind the gateway's back (straight at the
 * emulator's REST API) every second, and every read of that user that returns an older nickname counts
 * how old it was: the staleness clients see. Emulator, gateway and load generator each run in a process
 * of their own; the emulator's own rate limits are off, so only the gateway keeps Agora's.
 *
 *   node bench/shared-reads.ts     # prints a table, writes bench/results/shared-reads.json
 */
import { BENCH_API_KEY, percentile, registerUsers, round, startStack, writeResults } from './lib/stack.ts';

const DURATION_MS = Number(process.env.DURATION_MS ?? 20_000);
const CLIENTS = (process.env.CLIENTS ?? '100,1000').split(',').map(Number);
const POPULAR = Array.from({ length: 20 }, (_, i) => `hot${i}`);
const OTHERS = Array.from({ length: 500 }, (_, i) => `cold${i}`);
const QUERY = 'query($u: String!) { user(username: $u) { nickname online } }';

// Profiles change rarely and the gateway's own changes drop them at once: a minute is this operator's
// choice of staleness for changes made behind the gateway's back; online status, ten seconds.
const TTL = { CACHE_TTL_USER_MS: '60000', CACHE_TTL_ONLINE_MS: '10000' };
const stack = await startStack(TTL);
try {
  await stack.control('PUT', '/settings', { rateLimits: false });
  for (let i = 0; i < OTHERS.length; i += 60) await registerUsers(stack, OTHERS.slice(i, i + 60));
  await registerUsers(stack, POPULAR);
  const ttl = Number(TTL.CACHE_TTL_USER_MS);
  const rows: Record<string, unknown>[] = [];

  for (const clients of CLIENTS) {
    const callsBefore = (await stack.control('GET', '/calls')) as { routes: Record<string, { total: number }> };
    const changed = new Map<string, { nickname: string; at: number }>();
    const staleness: number[] = [];
    let served = 0;
    let failed = 0;
    const deadline = Date.now() + DURATION_MS;

    // Behind the gateway's back: a popular user gets a new nickname every second.
    let version = 0;
    const changer = setInterval(() => {
      const user = POPULAR[version % POPULAR.length]!;
      const nickname = `v${++version}`;
      void fetch(`${stack.chatBase}/users/${user}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.chatToken}` },
        body: JSON.stringify({ nickname }),
      }).then(() => changed.set(user, { nickname, at: Date.now() }));
    }, 1_000);

    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < deadline) {
          const user = Math.random() < 0.8 ? POPULAR[Math.floor(Math.random() * POPULAR.length)]! : OTHERS[Math.floor(Math.random() * OTHERS.length)]!;
          try {
            const res = await fetch(stack.graphqlUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-api-key': BENCH_API_KEY },
              body: JSON.stringify({ query: QUERY, variables: { u: user } }),
            });
            const body = (await res.json()) as { data?: { user: { nickname: string } }; errors?: unknown[] };
            if (body.errors || !body.data) {
              failed++;
              continue;
            }
            served++;
            const latest = changed.get(user);
            if (latest) staleness.push(body.data.user.nickname === latest.nickname ? 0 : Date.now() - latest.at);
          } catch {
            failed++;
          }
        }
      }),
    );
    clearInterval(changer);
    const callsAfter = (await stack.control('GET', '/calls')) as { routes: Record<string, { total: number; byStatus: Record<string, number> }> };
    const upstream = Object.entries(callsAfter.routes).reduce((n, [route, c]) => n + c.total - (callsBefore.routes[route]?.total ?? 0), 0);
    const throttled = Object.values(callsAfter.routes).reduce((n, c) => n + (c.byStatus['429'] ?? 0), 0);
    staleness.sort((a, b) => a - b);
    const seconds = DURATION_MS / 1000;
    rows.push({
      clients,
      servedPerSecond: round(served / seconds),
      failed,
      upstreamCallsPerSecond: round(upstream / seconds),
      servedPerUpstreamCall: round(served / Math.max(1, upstream)),
      upstream429: throttled,
      stalenessP99Ms: percentile(staleness, 99),
      stalenessMaxMs: staleness.at(-1) ?? 0,
      cacheTtlMs: ttl,
    });
  }
  console.table(rows);
  console.log(`Targets: served reads >= 20x the upstream calls they cost, staleness p99 <= the configured maximum (${ttl} ms), 0 upstream 429.`);
  await writeResults('shared-reads', { durationMs: DURATION_MS, popular: POPULAR.length, others: OTHERS.length, gateway: TTL, rows });
} finally {
  stack.stop();
}
