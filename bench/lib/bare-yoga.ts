/**
 * The anchor of the ceiling: graphql-yoga alone, on the same Node, answering `{ health }` over HTTP,
 * in a process of its own as the gateway is. It prints its URL and serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { health: String! }', resolvers: { Query: { health: () => 'ok' } } }), logging: false });
const server = createServer(yoga);
server.listen(0, '127.0.0.1', () => console.log(`bare yoga at http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
