/**
 * Upstream calls per GraphQL query: with the per-request DataLoaders, beside the lower bound (the
 * predicted cost, from the endpoints' batch and page sizes; the data fills every page asked for, so the
 * prediction is the lower bound) and beside the count with loaders switched off (every key its own
 * call). Runs the gateway on the embedded emulator, over real HTTP.
 *
 *   node bench/batching.ts      # prints a table, writes bench/results/batching.json
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/observability/logger.ts';
import { buildApp, type App } from '../src/app.ts';

interface Cost {
  predicted: number;
  estimated: boolean;
  actual: number;
}

const MEMBERS = 199;

async function start(batching: boolean): Promise<{ server: App; url: string; groupId: string; token: string }> {
  // Each query on its own: no read shared with an earlier one.
  const server = await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent', SHARED_READS: 'off' }), { logger: createLogger('silent'), batching });
  const { graphqlUrl } = await server.start();
  const chat = server.agora.chat!;
  const names = Array.from({ length: MEMBERS }, (_, i) => `member${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 60) await chat.users.registerMany(names.slice(i, i + 60).map((username) => ({ username })));
  await chat.users.register({ username: 'boss' });
  const groupId = await chat.groups.create({ name: 'Big', owner: 'boss', members: names, maxUsers: 500 });
  // Full pages, so that the prediction (which assumes `first` items) is the lower bound for this data.
  for (let i = 1; i < 10; i++) await chat.groups.create({ name: `Team ${i}`, owner: names[i]!, members: names.slice(0, 5) });
  for (const name of ['alice', 'bob', 'carol']) await chat.contacts.add({ owner: 'dave', user: name });
  return { server, url: graphqlUrl, groupId, token: server.devTokens!.admin };
}

const QUERIES: { name: string; query: string }[] = [
  {
    name: 'group members(200) with online, presence, attributes',
    query: 'query($id: String!) { group(groupId: $id) { members(first: 200) { edges { node { online presence { online } attributes(keys: ["avatar"]) } } } } }',
  },
  { name: 'users(100) with online and presence', query: '{ users(first: 100) { edges { node { online presence { online } } } } }' },
  { name: 'groups(10) with owner online and member count', query: '{ groups(first: 10) { edges { node { name memberCount owner { nickname online } } } } }' },
  { name: 'user contacts with online', query: '{ user(username: "dave") { contacts { online presence { online } } } }' },
];

async function costOf(url: string, query: string, groupId: string, token: string): Promise<Cost> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables: { id: groupId } }),
  });
  const body = (await res.json()) as { errors?: unknown[]; extensions: { cost: Cost } };
  if (body.errors) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return body.extensions.cost;
}

const batched = await start(true);
const unbatched = await start(false);
const results = [];
for (const q of QUERIES) {
  const withLoaders = await costOf(batched.url, q.query, batched.groupId, batched.token);
  const withoutLoaders = await costOf(unbatched.url, q.query, unbatched.groupId, unbatched.token);
  results.push({
    query: q.name,
    lowerBound: withLoaders.predicted,
    estimated: withLoaders.estimated,
    withLoaders: withLoaders.actual,
    loadersOff: withoutLoaders.actual,
  });
}
await batched.server.stop();
await unbatched.server.stop();
console.table(results);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/batching.json', import.meta.url),
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`,
);
