/**
 * graphql-sse's single-connection mode (its PROTOCOL.md), at the GraphQL URL beside yoga's own SSE
 * (distinct connections: one stream per operation). A client reserves a stream (PUT, answered with a
 * token), opens it (GET, `text/event-stream`) and posts operations into it (POST with the token in
 * `x-graphql-event-stream-token`), each answered on the one stream; DELETE stops one operation.
 *
 * A stream is bound to who reserved it: the GET and every operation must carry the same credentials, so
 * a token alone lets nobody read another's stream or post into it. An operation runs with the viewer of
 * its own POST and lives as long as the stream (not its POST): the stream's end stops its operations.
 * A reservation not opened in time is dropped; a stream ends when its viewer's credential expires, as a
 * WebSocket is closed then. The stream lives on the instance that reserved it (see the README).
 */
import { randomUUID } from 'node:crypto';
import { getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import { TOKEN_HEADER_KEY, TOKEN_QUERY_KEY, type RequestParams, type Response as SseAnswer } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Plugin, YogaServerInstance } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.ts';
import type { SseStreamLimits } from '../config.ts';
import type { Context, RequestScope } from '../context.ts';
import type { ServerContext } from '../server/http-server.ts';
import { preflighted, CSRF_REFUSAL } from './use-csrf-prevention.ts';

export interface SseStreamOptions extends SseStreamLimits {
  /** The GraphQL URL's path, where yoga serves the distinct connections mode too. */
  path: string;
  /** The document an operation runs (persisted operations), or why it may not. */
  resolveOperation?: ((params: RequestParams) => string | GraphQLError) | undefined;
}

interface Stream {
  owner: string;
  /** Aborts when the stream ends: its operations stop with it. */
  controller: AbortController;
  operations: number;
  opened: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Ends the open stream's response (its viewer's credential expired). */
  end?: () => void;
}

/** Who a stream belongs to: a user or service by name, an anonymous caller by address. */
const ownerOf = (scope: RequestScope): string =>
  `${scope.viewer.kind}:${scope.viewer.kind === 'anonymous' ? (scope.clientAddress ?? '') : (scope.viewer.username ?? '')}`;

const STATUS_TEXT = { 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' } as const;
const refusalBody = (message: string, code: string) => JSON.stringify({ errors: [{ message, extensions: { code } }] });
/** A new object each time: the answer's headers are written into (content-length). */
const jsonHeaders = () => ({ 'content-type': 'application/json; charset=utf-8' });

/** A refusal as graphql-sse's handler answers (body and init). */
const refusal = (status: 403 | 404 | 429, message: string, code: string): SseAnswer => [
  refusalBody(message, code),
  { status, statusText: STATUS_TEXT[status], headers: jsonHeaders() },
];

/** The same refusal as the plugin answers itself. */
const jsonAnswer = (status: 403, message: string, code: string) =>
  new Response(refusalBody(message, code), { status, statusText: STATUS_TEXT[status], headers: jsonHeaders() });

/** The stream a request names (`url`: the request's, when yoga has parsed it already). */
const tokenOf = (request: Request, url?: URL): string | undefined => {
  const parsed = url ?? new URL(request.url);
  // A URL's searchParams is made when first read: a request without a query string (every POST) makes none.
  return request.headers.get(TOKEN_HEADER_KEY) ?? (parsed.search ? parsed.searchParams.get(TOKEN_QUERY_KEY) : null) ?? undefined;
};

/** A request of the single-connection mode: a reservation, a stop, or anything naming a stream. */
const isStreamRequest = (request: Request, url: URL) => request.method === 'PUT' || request.method === 'DELETE' || tokenOf(request, url) !== undefined;

const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

/**
 * A result as one event: graphql-sse takes a result only when it has `data`, and a request error has none
 * (it would read such a result as arguments to execute).
 */
async function* single(result: ExecutionResult): AsyncGenerator<ExecutionResult> {
  yield result;
}

/**
 * The events of a subscription, told once when they end. Not an async generator: a generator's return()
 * waits behind its pending next(), that is until the next event, so a stop (DELETE, the stream's end)
 * would not reach the subscription; this hands return() straight to it.
 */
function counted(source: AsyncIterable<ExecutionResult>, onEnd: () => void): AsyncGenerator<ExecutionResult> {
  const events = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const finished = { done: true, value: undefined } as const;
  const iterator: AsyncGenerator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      if (step.done) end();
      return step;
    },
    async return() {
      end();
      await events.return?.();
      return finished;
    },
    async throw(error: unknown) {
      end();
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
    [Symbol.asyncDispose]: async () => void (await iterator.return(undefined)),
  };
  return iterator;
}

/** The response's body, told when it ends (read to the end, or cancelled by the client) and endable. */
function watchedBody(body: ReadableStream<Uint8Array>, onEnd: () => void): { body: ReadableStream<Uint8Array>; end: () => void } {
  const reader = body.getReader();
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const watched = new ReadableStream<Uint8Array>({
    async pull(c) {
      const { done, value } = await reader.read();
      if (!done) return c.enqueue(value);
      finish();
      c.close();
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
  return {
    body: watched,
    end: () => {
      finish();
      void reader.cancel().catch(() => undefined);
    },
  };
}

export function useSseStreams(options: SseStreamOptions): Plugin<Record<string, unknown>, ServerContext> {
  const streams = new Map<string, Stream>();
  const scopes = new WeakMap<Request, RequestScope>();
  /** Requests the plugin makes to drop a stream nobody opened. */
  const internal = new WeakSet<Request>();
  let handler: ((request: Request) => Promise<Response>) | undefined;

  const forget = (token: string) => {
    const stream = streams.get(token);
    if (!stream) return;
    streams.delete(token);
    clearTimeout(stream.timer);
    stream.controller.abort();
  };

  /** graphql-sse keeps a reservation until it is opened; opening and at once closing it frees it. */
  const dropUnopened = async (token: string) => {
    const stream = streams.get(token);
    if (!stream || stream.opened) return;
    forget(token);
    const request = new Request(`http://internal/graphql?${TOKEN_QUERY_KEY}=${token}`, {
      headers: { accept: 'text/event-stream' },
      signal: AbortSignal.abort(),
    });
    internal.add(request);
    await (await handler!(request)).body?.cancel();
  };

  const reserve = (scope: RequestScope): string | SseAnswer => {
    const owner = ownerOf(scope);
    const held = [...streams.values()].filter((s) => s.owner === owner).length;
    if (held >= options.maxStreamsPerViewer) {
      return refusal(429, `At most ${options.maxStreamsPerViewer} event streams at once per client: close one first`, 'RATE_LIMITED');
    }
    const token = randomUUID();
    const stream: Stream = { owner, controller: new AbortController(), operations: 0, opened: false, timer: undefined };
    stream.timer = setTimeout(() => void dropUnopened(token), options.reservationTimeoutMs).unref();
    streams.set(token, stream);
    return token;
  };

  /** When the viewer's credential stops being valid, the stream ends. */
  const endAtExpiry = (stream: Stream, viewer: Viewer) => {
    if (viewer.expiresAt === undefined) return;
    clearTimeout(stream.timer);
    stream.timer = setTimeout(() => stream.end?.(), Math.max(0, viewer.expiresAt - Date.now())).unref();
  };

  const build = (yoga: YogaServerInstance<ServerContext, Context>) =>
    createHandler(
      {
        authenticate(req) {
          const request = req.raw;
          if (internal.has(request)) return tokenOf(request);
          const scope = scopes.get(request)!;
          if (request.method === 'PUT') return reserve(scope);
          const token = tokenOf(request);
          const stream = token === undefined ? undefined : streams.get(token);
          if (token === undefined) return undefined;
          if (!stream) return refusal(404, 'No event stream has this token on this instance: reserve one with PUT first', 'NOT_FOUND');
          if (stream.owner !== ownerOf(scope)) return refusal(403, 'This event stream was reserved with other credentials', 'FORBIDDEN');
          return token;
        },
        onConnect(req) {
          const request = req.raw;
          if (internal.has(request)) return;
          const token = tokenOf(request);
          const stream = token === undefined ? undefined : streams.get(token);
          if (!stream || stream.opened) return;
          stream.opened = true;
          endAtExpiry(stream, scopes.get(request)!.viewer);
        },
        onSubscribe: async (req, params) => {
          const result = await operationOf(yoga, req.raw, params);
          return Symbol.asyncIterator in result ? result : single(result);
        },
      },
      yoga.fetchAPI,
    );

  /** Runs one operation posted into a stream: its result, or its events until it or the stream ends. */
  async function operationOf(
    yoga: YogaServerInstance<ServerContext, Context>,
    request: Request,
    params: RequestParams,
  ): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> {
    const scope = scopes.get(request)!;
    const stream = streams.get(tokenOf(request)!)!;
    if (stream.operations >= options.maxOperationsPerStream) {
      return {
        errors: [
          new GraphQLError(`At most ${options.maxOperationsPerStream} operations at once on one stream`, {
            extensions: { code: 'RATE_LIMITED', retryAfter: 0 },
          }),
        ],
      };
    }
    const text = options.resolveOperation ? options.resolveOperation(params) : params.query;
    if (text instanceof GraphQLError) return { errors: [text] };
    const enveloped = yoga.getEnveloped({ request, params, scope: { ...scope, signal: stream.controller.signal } });
    let document;
    try {
      document = enveloped.parse(text);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed')] };
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return { errors };
    const args = {
      schema: enveloped.schema,
      document,
      contextValue: await enveloped.contextFactory(),
      variableValues: params.variables,
      operationName: params.operationName,
      // What yoga gives an HTTP operation: its subscription ends with the signal (here, the stream's).
      signal: stream.controller.signal,
    };
    const subscription = getOperationAST(document, params.operationName)?.operation === 'subscription';
    const result = (await (subscription ? enveloped.subscribe(args) : enveloped.execute(args))) as ExecutionResult | AsyncIterable<ExecutionResult>;
    if (!(Symbol.asyncIterator in result)) return result;
    stream.operations++;
    return counted(result, () => stream.operations--);
  }

  return {
    onYogaInit({ yoga }) {
      handler = build(yoga as unknown as YogaServerInstance<ServerContext, Context>);
    },
    onRequest({ request, endResponse, serverContext, url }) {
      if (url.pathname !== options.path || !isStreamRequest(request, url)) return;
      if (!preflighted(request.headers)) return endResponse(jsonAnswer(403, CSRF_REFUSAL, 'FORBIDDEN'));
      const scope = serverContext.scope;
      if (!scope) return endResponse(jsonAnswer(403, 'Event streams are served by the HTTP door', 'FORBIDDEN'));
      scopes.set(request, scope);
      return handler!(request).then((response) => {
        const token = tokenOf(request, url);
        const stream = token === undefined ? undefined : streams.get(token);
        if (!stream || !response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return endResponse(response);
        const watched = watchedBody(response.body, () => forget(token!));
        stream.end = watched.end;
        return endResponse(new Response(watched.body, { status: response.status, headers: response.headers }));
      });
    },
  };
}
