/**
 * Fan-out: 10,000 concurrent graphql-ws subscribers (one socket each) on one gateway instance, each
 * subscribed to `userEvents` of its own user and of "everyone". Measures, from the moment the emulator
 * records an event (its `at`) to its arrival at the subscriber:
 *   - targeted events: one simulated login of a random subscriber's user at a time, 200 of them;
 *   - broadcasts: logins and logouts of "everyone", which all 10,000 receive, five in a row (the first in
 *     full: first, p50, p99, last; each from its publication to its last subscriber);
 * and the gateway's heap per subscriber, and its CPU time per broadcast (from /proc: less noisy than wall time
 * on a machine the load generator shares). Emulator, gateway and this load generator each run in a
 * process of their own; the poll's floor is the gateway's default (POLL_INTERVAL_MS sets another).
 *
 * Who subscribes (VIEWERS): `users` (the default), each subscriber signed in as its own user with a token
 * (role moderator, who may watch "everyone"): 10,000 viewers, whose answers the gateway shares when they
 * need nobody's identity; or `service`, all of them with one service API key: one viewer.
 *
 *   node bench/fanout.ts     # prints a table, writes bench/results/fanout.json
 *   SUBSCRIBERS=2000 VIEWERS=service node bench/fanout.ts
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { BENCH_API_KEY, benchToken, graphql, percentile, round, startStack, writeResults } from './lib/stack.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 10_000);
const TARGETED = Number(process.env.TARGETED ?? 200);
/** Broadcasts in a row (a login, then a logout, of "everyone"...): one alone is one sample of a noisy machine. */
const BROADCASTS = Number(process.env.BROADCASTS ?? 5);
/** The poll's floor: the gateway's default (100 ms; rounds go at the event budget's pace) unless given. */
const POLL_INTERVAL_MS = process.env.POLL_INTERVAL_MS ? Number(process.env.POLL_INTERVAL_MS) : undefined;
const CONNECT_CONCURRENCY = 200;
/** How long the subscribers stay quiet before the idle memory is read. */
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 10);
const VIEWERS = process.env.VIEWERS ?? 'users';
if (VIEWERS !== 'users' && VIEWERS !== 'service') throw new Error('VIEWERS is users or service');
/** Half a round's gap at 90% of the 10 event reads of a 1,020 ms (padded) window, for two stores (src/events/poller.ts). */
const BUDGET_MEAN_WAIT_MS = Math.round((2 * 1020) / (10 * 0.9) / 2);
/** Event reads the emulator answered 429 (the gateway's budget should leave none). */
const eventRead429s = async () => {
  const calls = (await stack.control('GET', '/calls')) as { routes: Record<string, { byStatus: Record<string, number> }> };
  return ['signaling.getUserEvents', 'signaling.getChannelEvents'].reduce((sum, route) => sum + (calls.routes[route]?.byStatus['429'] ?? 0), 0);
};
const SUBSCRIPTION = 'subscription Mine($users: [String!]) { userEvents(usernames: $users) { at type user { username } } }';

const stack = await startStack({
  ...(POLL_INTERVAL_MS === undefined ? {} : { EVENT_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS) }),
  ...(process.env.GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.GATEWAY_NODE_OPTIONS } : {}),
  // More of the gateway process's environment, as NAME=value pairs separated by spaces (e.g. MALLOC_ARENA_MAX=2).
  ...Object.fromEntries(
    (process.env.GATEWAY_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split('=', 2) as [string, string]),
  ),
});
const metricsUrl = stack.graphqlUrl.replace('/graphql', '/metrics');
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(metricsUrl)).text())?.[1] ?? NaN);
const clients: Client[] = [];
/** MEMORY_DETAIL=1: the gateway's heap (used, reserved), external and resident memory, in MB. */
async function memoryDetail(): Promise<void> {
  if (!process.env.MEMORY_DETAIL) return;
  const names = ['nodejs_heap_used_bytes', 'nodejs_heap_total_bytes', 'nodejs_external_bytes', 'nodejs_resident_bytes'];
  console.log(Object.fromEntries(await Promise.all(names.map(async (n) => [n, Math.round((await metric(n)) / 1024 / 1024)]))));
}

try {
  await stack.control('PUT', '/settings', { rateLimits: false });
  const heapBefore = await metric('nodejs_heap_used_bytes');
  await memoryDetail();
  const rssBefore = stack.gatewayRssKB() ?? NaN;
  const latencies: number[] = [];
  // The deliveries of the broadcast under way.
  let broadcast: number[] = [];
  const wsUrl = stack.graphqlUrl.replace(/^http/, 'ws');

  const connectStarted = performance.now();
  for (let i = 0; i < SUBSCRIBERS; i += CONNECT_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(CONNECT_CONCURRENCY, SUBSCRIBERS - i) }, async (_, j) => {
        const index = i + j;
        const credentials =
          VIEWERS === 'users' ? { authorization: `Bearer ${await benchToken(`u${index}`, ['user', 'moderator'])}` } : { apiKey: BENCH_API_KEY };
        const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: credentials });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          client.on('connected', () => resolve());
          client.on('error', reject);
        });
        client.subscribe<{ userEvents: { at: string; user: { username: string }; type: string } }>(
          // One operation with variables, as a client app sends it: the gateway parses and validates it once.
          { query: SUBSCRIPTION, variables: { users: [`u${index}`, 'everyone'] } },
          {
            next: ({ data }) => {
              const e = data?.userEvents;
              if (!e) return;
              const latency = Date.now() - Date.parse(e.at);
              if (e.user.username === 'everyone') broadcast.push(latency);
              else if (e.type === 'LOGIN') latencies.push(latency);
            },
            error: (error) => console.error('subscription error', error),
            complete: () => undefined,
          },
        );
      }),
    );
  }
  while ((await metric('graphql_subscriptions_active')) < SUBSCRIBERS) await new Promise((resolve) => setTimeout(resolve, 100));
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const heapAfter = await metric('nodejs_heap_used_bytes');
  const rssAfter = stack.gatewayRssKB() ?? NaN;
  // Idle: the subscribers connected and quiet for IDLE_SECONDS, in which V8's memory reducer collects what the
  // connect storm left (tokens verified, documents parsed) and gives pages back; the figure the target is for.
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const idleHeap = await metric('nodejs_heap_used_bytes');
  await memoryDetail();
  const idleRss = stack.gatewayRssKB() ?? NaN;

  // The load generator's own event-loop delay while measuring: what it adds to every latency below.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const readsBefore = ((await graphql(stack.graphqlUrl, '{ eventPoller { reads } }')).eventPoller as { reads: number }).reads;
  const targetedStarted = performance.now();
  // Targeted: one login at a time, spread over poll intervals so that waiting for the poll is sampled evenly.
  for (let k = 0; k < TARGETED; k++) {
    const user = `u${Math.floor(Math.random() * SUBSCRIBERS)}`;
    await stack.control('POST', `/signaling/clients/${user}/login`);
    await stack.control('POST', `/signaling/clients/${user}/logout`);
    await new Promise((resolve) => setTimeout(resolve, 37));
    if (latencies.length < k - 50) throw new Error('targeted events are not arriving');
  }
  while (latencies.length < TARGETED) await new Promise((resolve) => setTimeout(resolve, 50));
  const readsPerSecond = round(
    (((await graphql(stack.graphqlUrl, '{ eventPoller { reads } }')).eventPoller as { reads: number }).reads - readsBefore) /
      ((performance.now() - targetedStarted) / 1000),
  );

  // Broadcasts: every subscriber watches "everyone". Each is measured from the gateway publishing it (the
  // poll's own wait left out) to its last subscriber; the first is shown in full.
  const broadcasts: { delivered: number; latencies: number[]; pollerLagMs: number; gatewayCpuMs: number }[] = [];
  for (let b = 0; b < BROADCASTS; b++) {
    broadcast = [];
    const cpuBefore = stack.gatewayCpuMs() ?? NaN;
    await stack.control('POST', `/signaling/clients/everyone/${b % 2 === 0 ? 'login' : 'logout'}`);
    const deadline = Date.now() + 30_000;
    while (broadcast.length < SUBSCRIBERS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // The poller's lag for this broadcast: from the emulator recording it to its publication.
    const pollerLagMs = ((await graphql(stack.graphqlUrl, '{ eventPoller { lagMs } }')).eventPoller as { lagMs: number }).lagMs;
    // The gateway's CPU from the emulator recording the event to its last delivery (the poll's wait is nearly idle):
    // less noisy than wall time on a machine the load generator shares.
    const gatewayCpuMs = (stack.gatewayCpuMs() ?? NaN) - cpuBefore;
    broadcasts.push({ delivered: broadcast.length, latencies: broadcast.sort((x, y) => x - y), pollerLagMs, gatewayCpuMs });
    // A quiet second between broadcasts, as between real ones.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  loopDelay.disable();
  const first = broadcasts[0]!;
  const publishedToLast = broadcasts.map((run) => (run.delivered < SUBSCRIBERS ? NaN : run.latencies.at(-1)! - run.pollerLagMs));
  const sortedRuns = publishedToLast.filter(Number.isFinite).sort((x, y) => x - y);
  latencies.sort((a, b) => a - b);
  const results = {
    subscribers: SUBSCRIBERS,
    viewers: VIEWERS === 'users' ? SUBSCRIBERS : 1,
    pollIntervalMs: POLL_INTERVAL_MS,
    connectSeconds: round(connectSeconds),
    heapPerSubscriberKB: round((heapAfter - heapBefore) / SUBSCRIBERS / 1024),
    // What the issue's target counts (35 KB at 5,000 idle subscribers): the process's resident memory.
    rssPerSubscriberKB: round((rssAfter - rssBefore) / SUBSCRIBERS),
    idleHeapPerSubscriberKB: round((idleHeap - heapBefore) / SUBSCRIBERS / 1024),
    idleRssPerSubscriberKB: round((idleRss - rssBefore) / SUBSCRIBERS),
    targeted: {
      pollerReadsPerSecond: readsPerSecond,
      events: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
    },
    broadcast: {
      delivered: first.delivered,
      firstMs: first.latencies[0] ?? NaN,
      p50Ms: percentile(first.latencies, 50),
      p99Ms: percentile(first.latencies, 99),
      lastMs: first.latencies.at(-1) ?? NaN,
      // The poll's own wait is not fan-out: what the gateway took from the first delivery to the last.
      spreadMs: (first.latencies.at(-1) ?? NaN) - (first.latencies[0] ?? NaN),
      pollerLagMs: first.pollerLagMs,
    },
    // Each broadcast, from the gateway publishing the event to its last subscriber (NaN: not all delivered in 30 s).
    publishedToLastMs: { runs: publishedToLast, median: percentile(sortedRuns, 50), max: Math.max(...publishedToLast) },
    gatewayCpuMsPerBroadcast: broadcasts.map((run) => run.gatewayCpuMs),
    loadGeneratorLoopDelay: { p50Ms: round(loopDelay.percentile(50) / 1e6), p99Ms: round(loopDelay.percentile(99) / 1e6), maxMs: round(loopDelay.max / 1e6) },
    // The anchor of targeted latency: the mean wait for a read when rounds of both stores spend 90% of
    // the 10 reads a second of its padded window (a round every 227 ms: 113 ms on average), plus Agora's answer and delivery.
    budgetMeanWaitMs: BUDGET_MEAN_WAIT_MS,
    upstream429: await eventRead429s(),
    targets: { targetedP50Ms: 150, targetedP99Ms: 300, broadcastMs: 1000 },
  };
  console.table({
    'targeted (event at emulator -> client)': {
      p50: results.targeted.p50Ms,
      p99: results.targeted.p99Ms,
      max: results.targeted.maxMs,
      target: `p50 <= 150, p99 <= 300 (budget's mean wait ${BUDGET_MEAN_WAIT_MS})`,
    },
    [`first broadcast to ${first.delivered} (event at emulator -> client)`]: {
      p50: results.broadcast.p50Ms,
      p99: results.broadcast.p99Ms,
      max: results.broadcast.lastMs,
      target: '',
    },
    [`${BROADCASTS} broadcasts, published -> last subscriber`]: {
      p50: results.publishedToLastMs.median,
      p99: '',
      max: results.publishedToLastMs.max,
      target: 'max <= 1000',
    },
  });
  console.log(
    `broadcasts, published -> last subscriber: ${publishedToLast.join(', ')} ms; the gateway's CPU for each: ${results.gatewayCpuMsPerBroadcast.join(', ')} ms`,
  );
  console.log(
    `first broadcast: published ${first.pollerLagMs} ms after the emulator recorded it, first-to-last delivery spread ${results.broadcast.spreadMs} ms; heap per subscriber: ${results.heapPerSubscriberKB} KB, RSS per subscriber: ${results.rssPerSubscriberKB} KB (idle ${IDLE_SECONDS} s: ${results.idleHeapPerSubscriberKB} KB heap, ${results.idleRssPerSubscriberKB} KB RSS); ${SUBSCRIBERS} subscribers (${results.viewers} viewers) connected in ${results.connectSeconds} s; load generator event-loop delay p99 ${results.loadGeneratorLoopDelay.p99Ms} ms; poller reads/s ${readsPerSecond}`,
  );
  await writeResults('fanout', results);
} finally {
  await Promise.all(clients.map((c) => c.dispose()));
  stack.stop();
}
