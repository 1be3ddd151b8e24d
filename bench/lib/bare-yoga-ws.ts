/**
 * The anchor of memory per subscriber: graphql-yoga with graphql-ws alone (the ws integration yoga
 * documents), on the same Node, in a process of its own as the gateway is. Its one subscription waits
 * forever, as an idle subscriber's does. It prints its URL and serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { createSchema, createYoga } from 'graphql-yoga';
import { WebSocketServer } from 'ws';

const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { health: String! } type Subscription { userEvents(usernames: [String!]): String! }',
    resolvers: {
      Query: { health: () => 'ok' },
      Subscription: { userEvents: { subscribe: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => undefined) }) }) } },
    },
  }),
  logging: false,
});
const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: '/graphql' });
type Enveloped = ReturnType<typeof yoga.getEnveloped>;
useServer(
  {
    execute: (args) => (args.rootValue as Enveloped).execute(args),
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        req: ctx.extra.request,
        socket: ctx.extra.socket,
        params,
      });
      const args = {
        schema,
        operationName: params.operationName,
        document: parse(params.query),
        variableValues: params.variables,
        contextValue: await contextFactory(),
        rootValue: { execute, subscribe },
      };
      const errors = validate(args.schema, args.document);
      return errors.length ? errors : args;
    },
  },
  wss,
);
server.listen(0, '127.0.0.1', () => console.log(`bare yoga at http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
