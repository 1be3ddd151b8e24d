/**
 * The anchor of bursts and steady latency: a minimal GraphQL layer over the same REST call, graphql-yoga
 * with one resolver that reads the user through undici (keep-alive), no auth, no limits, no batching.
 * What the gateway adds beyond it is the gateway's own. It prints its URL and serves until killed.
 *
 *   CHAT_BASE=<emulator>/<org>/<app> CHAT_TOKEN=<app token> node bench/lib/minimal-proxy.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { Agent, request } from 'undici';

const base = process.env.CHAT_BASE!;
const headers = { authorization: `Bearer ${process.env.CHAT_TOKEN!}` };
const dispatcher = new Agent({ connections: 64 });

const yoga = createYoga({
  logging: false,
  schema: createSchema({
    typeDefs: 'type User { nickname: String } type Query { user(username: String!): User }',
    resolvers: {
      Query: {
        user: async (_root: unknown, args: { username: string }) => {
          const res = await request(`${base}/users/${encodeURIComponent(args.username)}`, { headers, dispatcher });
          const body = (await res.body.json()) as { entities?: { nickname?: string }[] };
          return { nickname: body.entities?.[0]?.nickname ?? null };
        },
      },
    },
  }),
});
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(`minimal proxy at http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
// Exits normally when stopped, so that a profile asked for with NODE_OPTIONS=--cpu-prof is written.
process.on('SIGTERM', () => process.exit(0));
