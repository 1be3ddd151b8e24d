/**
 * Where an idle subscriber's memory goes: heap snapshots of the gateway process (its own, not the load
 * generator's) before and after SUBSCRIBERS more graphql-ws subscribers (one socket each, each signed in as
 * its own user, as bench/fanout.ts subscribes), and the difference per subscriber by what V8 calls the
 * objects (constructor or kind), largest first. Shallow sizes: what each object holds itself.
 *
 *   node bench/subscriber-heap.ts               # 1,000 subscribers; prints a table, writes bench/results/subscriber-heap.json
 *   SUBSCRIBERS=2000 node bench/subscriber-heap.ts
 *   ANCHOR=1 node bench/subscriber-heap.ts      # the same of graphql-yoga with graphql-ws alone (bench/lib/bare-yoga-ws.ts)
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { ANCHOR_SUBSCRIPTION, connectIdleSubscribers, IDLE_SUBSCRIPTION, round, startMemoryAnchor, startStack, writeResults } from './lib/stack.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1_000);
const WARM = 100;
const dir = join(tmpdir(), `subscriber-heap-${process.pid}`);

await mkdir(dir, { recursive: true });
const NODE_OPTIONS = `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
const ANCHOR = Boolean(process.env.ANCHOR);
const server = ANCHOR ? await startMemoryAnchor({ NODE_OPTIONS }).then((a) => ({ ...a, gatewayPid: a.pid })) : await startStack({ NODE_OPTIONS });
const clients: Client[] = [];
const metricsUrl = server.graphqlUrl.replace('/graphql', '/metrics');
const active = async () => Number(/^graphql_subscriptions_active (\S+)$/m.exec(await (await fetch(metricsUrl)).text())?.[1] ?? NaN);
const rssKB = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${server.gatewayPid}/status`, 'utf8'))?.[1] ?? NaN);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function subscribeMore(n: number): Promise<void> {
  clients.push(...(await connectIdleSubscribers(server.graphqlUrl, n, ANCHOR ? ANCHOR_SUBSCRIPTION : IDLE_SUBSCRIPTION, clients.length)));
  // The subscribe messages follow the acknowledgements: until the gateway holds every subscription (the anchor has no count: a moment).
  if (ANCHOR) await pause(2000);
  else while ((await active()) < clients.length) await pause(100);
}

/** Asks the gateway for a heap snapshot and waits until it is written (its size stops growing). */
async function snapshot(): Promise<string> {
  const before = new Set(await readdir(dir).catch(() => []));
  process.kill(server.gatewayPid, 'SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const fresh = (await readdir(dir).catch(() => [])).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!fresh) continue;
    const path = join(dir, fresh);
    const size = (await stat(path)).size;
    await new Promise((r) => setTimeout(r, 1000));
    // Written in full once the gateway answers again and the file no longer grows.
    if (
      (await stat(path)).size === size &&
      size > 0 &&
      (ANCHOR ||
        (await fetch(metricsUrl).then(
          (r) => r.ok,
          () => false,
        )))
    )
      return path;
  }
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Shallow bytes and counts by object kind (`closure`, `Object`, `Array`, a class name...). */
async function byKind(path: string): Promise<Map<string, { bytes: number; count: number }>> {
  const data = JSON.parse(await readFile(path, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = data.snapshot.meta.node_types[0];
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt!]!]!;
    const name = type === 'object' || type === 'closure' ? data.strings[data.nodes[i + nameAt!]!]! : `(${type})`;
    const key = type === 'closure' ? `closure ${name || '(anonymous)'}` : name;
    const entry = kinds.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += data.nodes[i + sizeAt!]!;
    entry.count++;
    kinds.set(key, entry);
  }
  return kinds;
}

try {
  await subscribeMore(WARM);
  const first = await snapshot();
  // After the first snapshot, whose writing grows the process too.
  const rssBefore = rssKB();
  await subscribeMore(SUBSCRIBERS);
  const rssAfter = rssKB();
  const second = await snapshot();
  const [a, b] = [await byKind(first), await byKind(second)];
  const rows = [...b]
    .map(([kind, after]) => {
      const before = a.get(kind) ?? { bytes: 0, count: 0 };
      return {
        kind,
        bytesPerSubscriber: round((after.bytes - before.bytes) / SUBSCRIBERS),
        countPerSubscriber: round((after.count - before.count) / SUBSCRIBERS),
      };
    })
    .sort((x, y) => y.bytesPerSubscriber - x.bytesPerSubscriber);
  const total = rows.reduce((n, r) => n + r.bytesPerSubscriber, 0);
  const results = {
    subscribers: SUBSCRIBERS,
    heapPerSubscriberKB: round(total / 1024),
    rssPerSubscriberKB: round((rssAfter - rssBefore) / SUBSCRIBERS),
    top: rows.slice(0, 40),
  };
  console.table(results.top.slice(0, 30));
  console.log(
    `heap per subscriber ${results.heapPerSubscriberKB} KB (shallow sizes of what the snapshots hold), RSS per subscriber ${results.rssPerSubscriberKB} KB`,
  );
  await writeResults(ANCHOR ? 'subscriber-heap-anchor' : 'subscriber-heap', results);
} finally {
  for (const client of clients) void client.dispose();
  server.stop();
  // KEEP=1 leaves the two snapshots for a closer look (Chrome DevTools reads them).
  if (process.env.KEEP) console.log(`snapshots kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
