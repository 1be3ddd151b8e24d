import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.ts';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { buildApp, type App, type AppParts, type StartedServer } from '../../src/app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { leftover } from './leftovers.ts';
import { recordSuiteText, suiteLogStream } from './suite-log.ts';
import { authHeaders, rememberGateway, TEST_API_KEY_HASH, TEST_JWT_SECRET } from './auth.ts';

/** A gateway of the suite in emulator mode, built but not started (no port open yet). */
async function buildTestApp(env: Record<string, string>, parts: AppParts): Promise<App> {
  // Shared reads are off unless a test turns them on: most tests count the exact calls each request makes,
  // and change the emulator's state behind the gateway's back (test/cache/ tests the sharing itself).
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    AUTH_API_KEY_HASHES: TEST_API_KEY_HASH,
    SHARED_READS: 'off',
    ...env,
  });
  // Every gateway of the suite logs at debug level into the suite's log, which the last test searches for secrets.
  return buildApp(config, { logger: createLogger('debug', suiteLogStream()), ...parts });
}

/** The gateway in emulator mode on an ephemeral port. */
async function launchGateway(env: Record<string, string>, parts: AppParts, dispose: (server: App) => App): Promise<{ server: App } & StartedServer> {
  const server = dispose(await buildTestApp(env, parts));
  const started = await server.start();
  rememberGateway(started.graphqlUrl);
  return { server, ...started };
}

/** A gateway for one test, stopped after it. */
export const startGateway = (env: Record<string, string> = {}, parts: AppParts = {}) =>
  launchGateway(env, parts, (server) => leftover(server, (s) => s.stop()));

/** The in-process gateways of the suite, by the URL the helpers know them by. */
const inProcess = new Map<string, App['fetch']>();
let inProcessCount = 0;

/**
 * A gateway for one test answered in process, through `app.fetch` (the same credentials, request id and
 * yoga pipeline as its HTTP door), against a real emulator on an ephemeral port; no gateway port opens.
 * Its `graphqlUrl` is a name the helpers (`postGraphQL`, `gatewayFetch`) route to `app.fetch`. The
 * event poller does not start: tests of subscriptions, SSE, WebSockets and the process use `startGateway`.
 */
export async function startInProcessGateway(env: Record<string, string> = {}, parts: AppParts = {}): Promise<{ server: App } & StartedServer> {
  const server = leftover(await buildTestApp(env, parts), (s) => s.stop());
  return { server, graphqlUrl: inProcessDoor(server), emulatorUrl: server.emulator?.url };
}

/**
 * A name for `app.fetch` of a gateway the helpers route in process: a test that holds a port for its
 * subscriptions sends its queries and mutations through the same app without the port.
 */
export function inProcessDoor(server: App): string {
  const graphqlUrl = `http://in-process-${++inProcessCount}.test/graphql`;
  inProcess.set(graphqlUrl, server.fetch);
  rememberGateway(graphqlUrl);
  return graphqlUrl;
}

/** `fetch`, or the in-process gateway's own when the URL names one. */
export function gatewayFetch(url: string, init?: RequestInit): Promise<Response> {
  const local = inProcess.get(url.split('?')[0]!);
  return local ? local(new Request(url, init)) : fetch(url, init);
}

/** A gateway for a whole file (started in beforeAll): the caller stops it in afterAll. */
export async function startGatewayForFile(env: Record<string, string> = {}) {
  const started = await launchGateway(env, {}, (server) => server);
  return { ...started, stop: () => started.server.stop() };
}

/** Who asks: the gateway's default (an admin), a token, or nobody (`null`). */
export interface AsWho {
  token?: string | null;
}

const headersAs = (url: string, as: AsWho): Record<string, string> =>
  as.token === null ? {} : as.token === undefined ? authHeaders(url) : { authorization: `Bearer ${as.token}` };

export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, as: AsWho = {}) {
  const res = await gatewayFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headersAs(url, as) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  recordSuiteText(text);
  return {
    status: res.status,
    body: JSON.parse(text) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
      extensions?: Record<string, unknown>;
    },
  };
}

/** A graphql-ws client over a real WebSocket, disposed after the test. */
export function wsClient(graphqlUrl: string, as: AsWho = {}): Client {
  const headers = headersAs(graphqlUrl, as);
  return leftover(
    createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: headers }),
    (c) => c.dispose(),
  );
}

export function wsQuery<T>(client: Client, query: string): Promise<{ data?: T; errors?: unknown[] }> {
  return new Promise((resolve, reject) => {
    let result: { data?: T; errors?: unknown[] } = {};
    client.subscribe<T>({ query }, { next: (r) => (result = r as typeof result), error: reject, complete: () => resolve(result) });
  });
}

/** Runs a typed document (from test/generated, made by `npm run codegen`) over real HTTP. */
export async function execute<TResult, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<{ data?: TResult; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> }> {
  const res = await postGraphQL(url, print(document), variables);
  return res.body as { data?: TResult; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
}

/**
 * The gateway on the emulator with fast retries, and `run`: a GraphQL call that must not fail
 * (its errors are shown when it does), answering `data`.
 */
export async function startGatewayRunner(env: Record<string, string> = {}, start: typeof startGateway = startGateway) {
  const started = await start({ AGORA_RETRY_UNIT_MS: '5', ...env });
  const run = async <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await postGraphQL(started.graphqlUrl, query, variables);
    if (res.body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(res.body.errors)}`);
    return res.body.data as T;
  };
  return { ...started, run, chat: started.server.agora.chat!, control: createEmulatorControl(started.server.emulator!.url) };
}

/** `startGatewayRunner` answered in process (`startInProcessGateway`). */
export const startInProcessRunner = (env: Record<string, string> = {}) => startGatewayRunner(env, startInProcessGateway);
