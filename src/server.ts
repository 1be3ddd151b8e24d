/**
 * createServer(config): the gateway. One node:http server carries GraphQL over HTTP (yoga: queries,
 * mutations, SSE, GraphiQL), GraphQL over WebSocket (graphql-ws, same path) and the probes /healthz and
 * /readyz. Both transports run through yoga's envelop pipeline, so plugins apply to both.
 *
 * With no Agora credentials (emulator mode) start() first starts the embedded emulator on a free port,
 * seeds it with demo data and points the Agora client at it; otherwise the client talks to Agora.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer } from 'ws';
import { createAgoraClient, type AgoraClient } from './agora/client.ts';
import type { AttemptInfo } from './agora/http.ts';
import { hostPlanFromList } from './agora/hosts.ts';
import type { Config } from './config.ts';
import { createEmulator, type Emulator } from './emulator/server.ts';
import { seedDemoData } from './emulator/seed.ts';
import { createGraphiQL } from './graphiql.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type GatewayMetrics } from './metrics.ts';
import { createUpstreamHealth } from './upstream-health.ts';
import { currentRequestId, requestIdFrom, withRequestId } from './request-id.ts';
import { createLoaders } from './loaders/index.ts';
import type { Context, Viewer } from './schema/builder.ts';
import { useUpstreamCost } from './schema/cost.ts';
import { createMaskError, publicCodeOf } from './schema/errors.ts';
import { schema } from './schema/index.ts';

export const GRAPHQL_PATH = '/graphql';

/** Until frontend auth lands (the security work), every request acts as the service, with the admin role. */
const SERVICE_VIEWER: Viewer = { username: undefined, roles: new Set(['admin']) };

export const DEFAULT_QUERY = /* GraphQL */ `# Welcome to agora-graphql: a GraphQL API in front of Agora Chat and Signaling.
# Press the play button to run this query against the built-in demo data.
# The response's extensions.cost says how many Agora calls it was predicted to cost, and made.
query Tour {
  agoraMode
  user(username: "alice") {
    nickname
    online
    presence { online ext }
    contacts { username online }
    joinedGroups(first: 5) {
      edges {
        node {
          name
          members(first: 20) { edges { role node { username online } } }
        }
      }
    }
  }
  rooms(first: 5) { edges { node { name attributes } } }
}
`;

export interface StartedServer {
  /** Where GraphQL (and GraphiQL) is served. */
  graphqlUrl: string;
  /** In emulator mode, the embedded emulator's base URL. */
  emulatorUrl?: string | undefined;
}

export interface GatewayServer {
  start(): Promise<StartedServer>;
  stop(): Promise<void>;
  /** The yoga instance, for in-process requests (`yoga.fetch`). Available after start(). */
  readonly yoga: YogaServerInstance<Record<string, unknown>, Context>;
  readonly emulator: Emulator | undefined;
  readonly agora: AgoraClient;
}

export interface ServerOptions {
  logger?: Logger;
  /** Diagnostic: false makes every loader key its own upstream call (bench/batching.ts compares). */
  batching?: boolean;
  /** More yoga plugins, after the gateway's own (for embedding, and for tests that need a failing part). */
  plugins?: Plugin[];
}

/** `extensions.requestId` on every result, over HTTP (request errors too) and WebSocket. */
function useRequestIdExtension(): Plugin {
  const stamp = (result: ExecutionResult): ExecutionResult => {
    const requestId = currentRequestId();
    return requestId && result.extensions?.requestId === undefined ? { ...result, extensions: { ...result.extensions, requestId } } : result;
  };
  return {
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (!(Symbol.asyncIterator in result)) setResult(stamp(result));
      },
    }),
    onResultProcess({ result, setResult }) {
      if (!Array.isArray(result) && !(Symbol.asyncIterator in (result as object))) setResult(stamp(result as ExecutionResult));
    },
  };
}

/** The operation a document runs: its name (or "anonymous") and type. */
function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return { name: operation?.name?.value ?? 'anonymous', type: operation?.operation ?? 'unknown' };
}

/** GraphQL operations, their outcome and latency, and active subscriptions, into the gateway's metrics. */
function useOperationMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onValidate: ({ params }) => {
      const started = performance.now();
      return ({ result }) => {
        if (result.length === 0) return;
        const { name, type } = operationOf(params.documentAST, undefined);
        metrics.operation({ name, type, outcome: 'GRAPHQL_VALIDATION_FAILED', seconds: (performance.now() - started) / 1000 });
      };
    },
    onExecute: ({ args }) => {
      const started = performance.now();
      const { name, type } = operationOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const [first] = result.errors ?? [];
          metrics.operation({ name, type, outcome: first ? publicCodeOf(first) : 'ok', seconds: (performance.now() - started) / 1000 });
        },
      };
    },
    onSubscribe: ({ args }) => {
      const { name } = operationOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) return;
          metrics.subscriptionStarted();
          metrics.operation({ name, type: 'subscription', outcome: 'ok', seconds: 0 });
          return { onEnd: () => metrics.subscriptionEnded() };
        },
      };
    },
  };
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

export function createServer(config: Config, options: ServerOptions = {}): GatewayServer {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const upstreamHealth = createUpstreamHealth();
  let emulator: Emulator | undefined;
  let agora: AgoraClient | undefined;
  let yoga: YogaServerInstance<Record<string, unknown>, Context> | undefined;
  let http: Server | undefined;
  let stopWebSockets: (() => Promise<void>) | undefined;
  let ready = false;
  const inFlight = new Set<ServerResponse>();

  async function connectUpstream(): Promise<{ client: AgoraClient; mode: Context['mode'] }> {
    const common = {
      retryUnitMs: config.upstream.retryUnitMs,
      timeouts: config.upstream.timeouts,
      budget: { maxWaitMs: config.upstream.budgetMaxWaitMs },
      onAttempt: (info: AttemptInfo) => {
        metrics.upstreamAttempt(info);
        upstreamHealth.record(info);
      },
      onRetry: metrics.retry,
      onPossibleLoss: (operation: string) => logger.warn({ operation }, 'a destructive event read failed after Agora may have answered; events may be lost'),
    };
    if (config.agora.mode === 'agora') {
      const { appId, rtm, chat } = config.agora;
      return { client: createAgoraClient({ appId, rtm, chat, ...common }), mode: 'agora' };
    }
    emulator = createEmulator();
    await emulator.listen({ port: config.emulator.port, host: config.emulator.host, label: 'embedded' });
    seedDemoData(emulator.state);
    const { appId, appCertificate, customerKey, customerSecret, chatOrg, chatApp } = emulator.project;
    const client = createAgoraClient({
      appId,
      rtm: { hosts: hostPlanFromList([emulator.url]), credentials: { kind: 'basic', customerKey, customerSecret } },
      chat: { host: emulator.url, orgName: chatOrg, appName: chatApp, appCertificate },
      ...common,
    });
    return { client, mode: 'emulator' };
  }

  const yogaLogger = {
    debug: (...args: unknown[]) => logger.debug({ args }, 'yoga'),
    info: (...args: unknown[]) => logger.info({ args }, 'yoga'),
    warn: (...args: unknown[]) => logger.warn({ args }, 'yoga'),
    error: (...args: unknown[]) => logger.error({ args }, 'yoga'),
  };

  const gateway: GatewayServer = {
    async start() {
      const upstream = await connectUpstream();
      agora = upstream.client;
      metrics.watchBudgets(upstream.client.budgets);
      const client = upstream.client;
      yoga = createYoga<Record<string, unknown>, Context>({
        schema,
        graphqlEndpoint: GRAPHQL_PATH,
        // Loaders are made per request: nothing is cached across requests or viewers.
        context: (initial): Context => {
          const signal = (initial as { request?: Request }).request?.signal;
          return { agora: client, mode: upstream.mode, viewer: SERVICE_VIEWER, signal, loaders: createLoaders(client, SERVICE_VIEWER.username, signal, { batch: options.batching ?? true }) };
        },
        maskedErrors: { maskError: createMaskError(logger) },
        plugins: [useUpstreamCost(), useRequestIdExtension(), useOperationMetrics(metrics), ...(options.plugins ?? [])],
        // GraphiQL is served by ./graphiql.ts from the installed packages; yoga's own page loads a CDN.
        graphiql: false,
        landingPage: false,
        logging: yogaLogger,
      });
      const y = yoga;
      const graphiql = createGraphiQL({
        graphqlPath: GRAPHQL_PATH,
        title: 'agora-graphql',
        graphiql: { title: 'agora-graphql', defaultQuery: DEFAULT_QUERY, subscriptionsProtocol: 'WS' },
      });

      http = createHttpServer((req, res) => {
        const id = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('x-request-id', id);
        inFlight.add(res);
        res.once('close', () => inFlight.delete(res));
        withRequestId(id, () => route(req, res)).catch((error: unknown) => {
          logger.error({ err: error }, 'request failed outside GraphQL');
          if (!res.headersSent) res.writeHead(500).end();
        });
      });

      const route = async (req: IncomingMessage, res: ServerResponse) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === '/healthz') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
          return;
        }
        if (path === '/metrics') {
          res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
          return;
        }
        if (path === '/readyz') {
          const services = ['rtm', ...(upstream.client.chat ? ['chat'] : [])];
          const body = { ready, mode: upstream.mode, upstream: upstreamHealth.report(services) };
          res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        if (await graphiql.handle(req, res, path ?? '/')) return;
        await y(req, res);
      };

      const wss = new WebSocketServer({ server: http, path: GRAPHQL_PATH });
      const ws = useServer<Record<string, unknown>, { request: IncomingMessage }>(
        {
          // Each operation over a socket is a request of its own, with its own id.
          execute: (args) => withRequestId(randomUUID(), () => (args.rootValue as EnvelopedRoot).execute(args)) as never,
          subscribe: (args) => withRequestId(randomUUID(), () => (args.rootValue as EnvelopedRoot).subscribe(args)) as never,
          onConnect: () => {
            metrics.socketOpened();
            return true;
          },
          onClose: (ctx) => {
            if (ctx.acknowledged) metrics.socketClosed();
          },
          onSubscribe: async (ctx, _id, payload) => {
            const enveloped = y.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload });
            let document;
            try {
              document = enveloped.parse(payload.query);
            } catch (error) {
              return [error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed')];
            }
            const errors = enveloped.validate(enveloped.schema, document);
            if (errors.length > 0) return errors;
            return {
              schema: enveloped.schema,
              operationName: payload.operationName,
              document,
              variableValues: payload.variables,
              contextValue: await enveloped.contextFactory(),
              rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
            };
          },
        },
        wss,
      );
      stopWebSockets = async () => {
        await ws.dispose();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      };

      const server = http;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      ready = true;
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? 'localhost' : config.host;
      return { graphqlUrl: `http://${host}:${port}${GRAPHQL_PATH}`, emulatorUrl: emulator?.url };
    },

    /**
     * Stops gracefully: /readyz answers 503 at once, no new connection is accepted, subscriptions end
     * with graphql-ws's close code 1001 (going away), and requests in flight finish, for up to
     * `shutdownTimeoutMs`, after which their connections are closed. Then Agora's client and the
     * embedded emulator stop.
     */
    async stop() {
      ready = false;
      const [server, stopWs, client, emu] = [http, stopWebSockets, agora, emulator];
      http = stopWebSockets = undefined;
      await stopWs?.();
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const deadline = Date.now() + config.shutdownTimeoutMs;
        // Subscriptions over SSE never finish on their own: end their streams, as graphql-ws sockets were closed.
        for (const res of inFlight) if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
        // Idle keep-alive connections go now; busy ones once their answer is out.
        while (inFlight.size > 0 && Date.now() < deadline) {
          server.closeIdleConnections();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (inFlight.size > 0) logger.warn({ inFlight: inFlight.size }, 'shutdown deadline reached; closing connections with requests in flight');
        server.closeAllConnections();
        await closed;
      }
      await client?.close();
      await emu?.close();
      logger.flush();
    },

    get yoga() {
      if (!yoga) throw new Error('the server is not started');
      return yoga;
    },
    get emulator() {
      return emulator;
    },
    get agora() {
      if (!agora) throw new Error('the server is not started');
      return agora;
    },
  };
  return gateway;
}
