/**
 * The gateway's doors: one node:http server carries GraphQL over HTTP (yoga: queries, mutations, SSE),
 * GraphiQL, the probes /healthz and /readyz, /metrics, and GraphQL over WebSocket (graphql-ws) on the
 * same path. Both GraphQL doors run through yoga's envelop pipeline, so plugins apply to both, and both
 * describe a request as a RequestScope for the one context factory.
 */
import { createServer as createNodeServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionArgs, type GraphQLFormattedError } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthenticationError, type Authenticator, type Credentials, type Viewer } from '../auth/viewer.ts';
import type { RequestScope } from '../context.ts';
import type { GraphiQL as GraphiQLHandler } from './graphiql.ts';
import type { Logger } from '../observability/logger.ts';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { requestIdFrom, withRequestId } from '../observability/request-id.ts';
import type { Context } from '../context.ts';
import { createInterner } from '../lib/intern.ts';
import { serveGraphQLOverWebSocket } from './websocket-adapter.ts';

export const GRAPHQL_PATH = '/graphql';

/** What yoga's server context carries from our doors. */
export interface ServerContext {
  scope?: RequestScope;
}

export interface HttpPartOptions {
  port: number;
  host: string;
  shutdownTimeoutMs: number;
  maxBodyBytes: number;
  webSocket: { keepAliveMs: number; connectionInitTimeoutMs: number; maxMessageBytes: number; maxSubscriptionsPerSocket: number };
  authenticator: Authenticator;
  /** Agora Chat's callbacks: signed by Agora, not by a caller's credentials. */
  callbacks?: { handle(req: IncomingMessage, res: ServerResponse, path: string): false | Promise<boolean> } | undefined;
  /** With persisted operations only: the document a subscribe message runs, or why it may not. */
  resolveOperation?: ((payload: { query?: string | undefined; extensions?: Record<string, unknown> | null | undefined }) => string | GraphQLError) | undefined;
  /** Browser origins allowed besides the gateway's own (a request without Origin is not a browser's). */
  allowedOrigins: readonly string[];
  yoga: YogaServerInstance<ServerContext, Context>;
  graphiql: GraphiQLHandler;
  metrics: GatewayMetrics;
  logger: Logger;
  /** The body of /readyz; `ready: false` answers 503. */
  readiness(): { ready: boolean } & Record<string, unknown>;
}

export interface HttpPart {
  /** Listens; resolves with the GraphQL URL. */
  start(): Promise<string>;
  /** Stops gracefully (see app.ts). */
  stop(): Promise<void>;
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

/** The scope of an HTTP request: aborted when the client goes away before the answer is out. */
function httpScope(res: ServerResponse, viewer: Viewer, clientAddress: string | undefined): RequestScope {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return { viewer, signal: controller.signal, clientAddress };
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The credentials of an HTTP request, or of a graphql-ws connection_init payload. */
const operationText = createInterner(1_000);

/** Where a graphql-ws client puts its credential in connection_init (read by credentialsOf). */
const CREDENTIAL_PARAMS = ['authorization', 'Authorization', 'x-api-key', 'apiKey'] as const;

const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Connection parameters without the credential (most clients send nothing else: one shared empty object). */
export function withoutCredentials(params: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, unknown>> {
  if (!params) return NO_PARAMS;
  const rest = Object.fromEntries(Object.entries(params).filter(([key]) => !(CREDENTIAL_PARAMS as readonly string[]).includes(key)));
  return Object.keys(rest).length > 0 ? rest : NO_PARAMS;
}

export function credentialsOf(source: Record<string, unknown> | undefined | null): Credentials {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { authorization: text(source?.authorization) ?? text(source?.Authorization), apiKey: text(source?.['x-api-key']) ?? text(source?.apiKey) };
}

/**
 * What a GraphQL request's headers say, read the same way by the HTTP and the in-process doors: its
 * credentials, and whether it asks for fresh reads (`x-graphql-fresh: 1`, or `Cache-Control: no-cache`).
 */
export function requestHeadersOf(get: (name: string) => string | undefined): { credentials: Credentials; fresh: boolean } {
  return {
    credentials: credentialsOf({ authorization: get('authorization'), 'x-api-key': get('x-api-key') }),
    fresh: get('x-graphql-fresh') === '1' || /no-cache/i.test(get('cache-control') ?? ''),
  };
}

/** A browser's Origin is accepted when it is the gateway's own or listed; non-browser clients send none. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Why a request's body may not be read: larger than the limit by its Content-Length (413), or of no
 * declared length (411: GraphQL clients declare it, and a body streamed without one could only be
 * measured by reading it before yoga does).
 */
function bodyRefusal(req: IncomingMessage, max: number): { status: 411 | 413; message: string } | undefined {
  if (req.method !== 'POST') return undefined;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (!Number.isFinite(declared)) return { status: 411, message: 'A request body must declare its Content-Length' };
  return declared > max ? { status: 413, message: `The request body is larger than ${max} bytes` } : undefined;
}

/**
 * An error as a socket sends it: without `extensions.http`, yoga's note of the HTTP status a request
 * error is answered with, which yoga leaves out of HTTP answers and a socket has no use for.
 */
function withoutHttpStatus(error: GraphQLError): GraphQLFormattedError {
  const { http: _status, ...extensions } = error.extensions;
  const { extensions: _all, ...formatted } = error.toJSON();
  return Object.keys(extensions).length > 0 ? { ...formatted, extensions } : formatted;
}

const carriesHttpStatus = (errors: readonly GraphQLError[] | undefined) => errors?.some((error) => error.extensions.http !== undefined) ?? false;

/** The answer to a request whose credentials do not hold (both HTTP doors give it). */
export const unauthenticatedAnswer = (message: string) => ({
  status: 401,
  headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', 'www-authenticate': 'Bearer' },
  body: JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }),
});

function unauthenticated(res: ServerResponse, message: string): void {
  const answer = unauthenticatedAnswer(message);
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

export function createHttpPart(options: HttpPartOptions): HttpPart {
  const { yoga, graphiql, metrics, logger } = options;
  const inFlight = new Set<ServerResponse>();
  let server: Server | undefined;
  let stopWebSockets: (() => Promise<void>) | undefined;

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(await metrics.registry.metrics());
      return;
    }
    if (path === '/readyz') {
      const body = options.readiness();
      res.writeHead(body.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    // Each answers `false` at once for a request that is not theirs: a GraphQL request waits for neither.
    const callback = options.callbacks?.handle(req, res, path);
    if (callback && (await callback)) return;
    const page = graphiql.handle(req, res, path);
    if (page && (await page)) return;
    const refusal = bodyRefusal(req, options.maxBodyBytes);
    if (refusal) {
      res
        .writeHead(refusal.status, { 'content-type': 'application/graphql-response+json; charset=utf-8', connection: 'close' })
        .end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: 'BAD_USER_INPUT' } }] }));
      return;
    }
    const { credentials, fresh } = requestHeadersOf((name) => header(req.headers[name]));
    let viewer: Viewer;
    try {
      // Most requests are known at once (an API key, a token verified before): they wait for nothing.
      const known = options.authenticator.viewerOf(credentials);
      viewer = known instanceof Promise ? await known : known;
    } catch (error) {
      if (error instanceof AuthenticationError) return unauthenticated(res, error.message);
      throw error;
    }
    const context: ServerContext = { scope: { ...httpScope(res, viewer, req.socket.remoteAddress), fresh } };
    await yoga(req, res, context);
  };

  function attachWebSockets(http: Server): void {
    const wss = new WebSocketServer({
      server: http,
      path: GRAPHQL_PATH,
      maxPayload: options.webSocket.maxMessageBytes,
      // CORS does not protect WebSockets: a page on any site could open one with the user's cookies.
      verifyClient: ({ req }: { req: IncomingMessage }) => originAllowed(header(req.headers.origin), req.headers.host, options.allowedOrigins),
    });
    wss.on('error', (error) => logger.error({ err: error }, 'the WebSocket server failed'));
    const sockets = new WeakMap<WebSocket, { controller: AbortController; viewer: Viewer; subscriptions: number }>();
    const ws = serveGraphQLOverWebSocket<Record<string, unknown>>(
      {
        // No connection_init in time: closed with 4408. A socket that answers no ping within the
        // keep-alive interval (gone, or not read at all) is terminated.
        connectionInitWaitTimeout: options.webSocket.connectionInitTimeoutMs,
        // Each operation over a socket is a request of its own, with its own id.
        execute: (args) => withRequestId(randomUUID(), () => (args.rootValue as EnvelopedRoot).execute(args)) as never,
        subscribe: (args) => withRequestId(randomUUID(), () => (args.rootValue as EnvelopedRoot).subscribe(args)) as never,
        // The token comes in connection_init; a socket without a good one is closed with 4403.
        onConnect: async (ctx) => {
          let viewer: Viewer;
          try {
            viewer = await options.authenticator.viewerOf(credentialsOf(ctx.connectionParams));
          } catch {
            return false;
          }
          if (viewer.kind === 'anonymous') return false;
          // graphql-ws keeps the connection's parameters as long as the socket: the credential is not kept with them.
          // A copy without it, not deletions: an object whose properties were deleted is kept as a dictionary, larger.
          (ctx as { connectionParams?: Record<string, unknown> }).connectionParams = withoutCredentials(ctx.connectionParams);
          // When the token expires the socket goes, so that the client reconnects with a fresh one.
          if (viewer.expiresAt !== undefined) ws.closeAt(ctx.extra.socket, viewer.expiresAt, 4403, 'Forbidden: the token expired');
          sockets.set(ctx.extra.socket, { controller: new AbortController(), viewer, subscriptions: 0 });
          metrics.socketOpened();
          return true;
        },
        onClose: (ctx) => {
          sockets.get(ctx.extra.socket)?.controller.abort();
          if (ctx.acknowledged) metrics.socketClosed();
        },
        // Every result and error passes here: most have nothing to change, and cost one check.
        onNext: (_ctx, _id, _payload, _args, result) =>
          carriesHttpStatus(result.errors) ? { ...result, errors: result.errors!.map(withoutHttpStatus) } : undefined,
        onError: (_ctx, _id, _payload, errors) => (carriesHttpStatus(errors) ? errors.map(withoutHttpStatus) : undefined),
        onComplete: (ctx) => {
          const state = sockets.get(ctx.extra.socket);
          if (state) state.subscriptions--;
        },
        onSubscribe: async (ctx, _id, payload) => {
          const state = sockets.get(ctx.extra.socket);
          if (!state) return [new GraphQLError('The connection is not initialised', { extensions: { code: 'UNAUTHENTICATED' } })];
          if (state.subscriptions >= options.webSocket.maxSubscriptionsPerSocket) {
            return [
              new GraphQLError(`At most ${options.webSocket.maxSubscriptionsPerSocket} operations at once on one socket`, {
                extensions: { code: 'RATE_LIMITED', retryAfter: 0 },
              }),
            ];
          }
          const scope: RequestScope = { viewer: state.viewer, signal: state.controller.signal, clientAddress: ctx.extra.clientAddress };
          // Every subscriber of an app sends the same few operations: one copy of each text is held, not one per subscription.
          // (Readonly in graphql-ws's types; the object is the client's parsed message, ours to trim.)
          if (typeof payload.query === 'string') (payload as { query: string }).query = operationText(payload.query);
          // The initial context is kept as long as the subscription: what the context factory and the plugins read,
          // and no more (graphql-ws's own context, the socket and the upgrade request stay with graphql-ws).
          const enveloped = yoga.getEnveloped({ params: payload, scope });
          const text = options.resolveOperation ? options.resolveOperation(payload) : payload.query;
          if (text instanceof GraphQLError) return [text];
          let document;
          try {
            document = enveloped.parse(text);
          } catch (error) {
            return [error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed')];
          }
          const errors = enveloped.validate(enveloped.schema, document);
          if (errors.length > 0) return errors;
          state.subscriptions++;
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
      { keepAliveMs: options.webSocket.keepAliveMs, logger },
    );
    stopWebSockets = () => ws.dispose();
  }

  return {
    async start() {
      const http = createNodeServer((req, res) => {
        const id = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('x-request-id', id);
        inFlight.add(res);
        res.once('close', () => inFlight.delete(res));
        withRequestId(id, () => route(req, res)).catch((error: unknown) => {
          logger.error({ err: error }, 'request failed outside GraphQL');
          if (!res.headersSent) res.writeHead(500).end();
        });
      });
      attachWebSockets(http);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      server = http;
      const { port } = http.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? 'localhost' : options.host;
      return `http://${host}:${port}${GRAPHQL_PATH}`;
    },

    /**
     * No new connection is accepted, subscriptions end with graphql-ws's close code 1001 (going away)
     * and SSE streams end, and requests in flight finish, for up to `shutdownTimeoutMs`, after which
     * their connections are closed.
     */
    async stop() {
      const [http, stopWs] = [server, stopWebSockets];
      server = stopWebSockets = undefined;
      await stopWs?.();
      if (!http) return;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      const deadline = Date.now() + options.shutdownTimeoutMs;
      // Subscriptions over SSE never finish on their own: end their streams, as graphql-ws sockets were closed.
      for (const res of inFlight) if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
      // Idle keep-alive connections go now; busy ones once their answer is out.
      while (inFlight.size > 0 && Date.now() < deadline) {
        http.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (inFlight.size > 0) logger.warn({ inFlight: inFlight.size }, 'shutdown deadline reached; closing connections with requests in flight');
      http.closeAllConnections();
      await closed;
    },
  };
}
