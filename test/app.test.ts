import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createEmulatorControl } from '../src/emulator/control-client.ts';
import { createLogger } from '../src/observability/logger.ts';
import { authHeaders, tokenFor } from './helpers/auth.ts';
import { leftover } from './helpers/leftovers.ts';
import { postGraphQL, startGatewayRunner, startInProcessGateway, wsClient } from './helpers/gateway.ts';

const silentApp = async () => leftover(await buildApp(loadConfig({ PORT: '0', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') }), (a) => a.stop());

/** Counter lines of agora_upstream_calls_total for one operation, from /metrics. */
async function upstreamCalls(metricsUrl: string, operation: string): Promise<string[]> {
  const text = await (await fetch(metricsUrl)).text();
  return text.split('\n').filter((l) => l.startsWith('agora_upstream_calls_total') && l.includes(`operation="${operation}"`));
}

describe('buildApp', () => {
  it('answers in-process requests before (and without) opening any door', async () => {
    const app = await silentApp();
    const res = await app.yoga.fetch('http://in-process/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ user(username: "alice") { nickname } }' }),
    });
    const body = (await res.json()) as { data: { user: { nickname: string } }; extensions: { cost: { actual: number } } };
    expect(body.data.user.nickname).toBeTruthy();
    // The request's calls are counted in its own ledger, without any shared async context.
    expect(body.extensions.cost.actual).toBe(1);
  });

  it('app.fetch answers as the HTTP door does: the same credentials, rules and request id, with no port', async () => {
    const { server, graphqlUrl } = await startInProcessGateway();
    const contacts = '{ user(username: "alice") { contacts { username } } }';
    // Alice may read her own contacts, bob may not, and a bad token is refused before anything runs.
    expect((await postGraphQL(graphqlUrl, contacts, undefined, { token: await tokenFor('alice') })).body.data).toEqual({
      user: { contacts: [{ username: 'bob' }, { username: 'carol' }] },
    });
    const denied = await postGraphQL(graphqlUrl, contacts, undefined, { token: await tokenFor('bob') });
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const refused = await postGraphQL(graphqlUrl, '{ health }', undefined, { token: 'not-a-token' });
    expect(refused).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const res = await server.fetch(
      new Request(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42', ...authHeaders(graphqlUrl) },
        body: JSON.stringify({ query: '{ health }' }),
      }),
    );
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    expect(await res.json()).toMatchObject({ data: { health: 'ok' }, extensions: { requestId: 'trace-42' } });
  });

  it('runs two apps in one process, each with its own state and doors', async () => {
    const [a, b] = [await silentApp(), await silentApp()];
    const [startedA, startedB] = [await a.start(), await b.start()];
    expect(startedA.graphqlUrl).not.toBe(startedB.graphqlUrl);
    expect(a.emulator!.url).not.toBe(b.emulator!.url);
    await a.stop();
    const res = await fetch(startedB.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(startedB.graphqlUrl) },
      body: JSON.stringify({ query: '{ health }' }),
    });
    expect(await res.json()).toMatchObject({ data: { health: 'ok' } });
  });
});

describe('one context for both doors', () => {
  it('an HTTP client that goes away cancels the upstream calls made for it', async () => {
    const { graphqlUrl, server } = await startGatewayRunner();
    const control = createEmulatorControl(server.emulator!.url);
    const metricsUrl = graphqlUrl.replace('/graphql', '/metrics');
    await control.addFault({ route: 'chat.users.get', delayMs: 600 });
    const controller = new AbortController();
    const request = fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query: '{ user(username: "alice") { nickname } }' }),
      signal: controller.signal,
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 150));
    controller.abort();
    await request;
    // Had the call gone on, the emulator's answer at 600 ms would be recorded as a 200.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await upstreamCalls(metricsUrl, 'chat.users.get')).toEqual([]);
    // The control: the same call, not cancelled, is recorded.
    await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query: '{ user(username: "alice") { nickname } }' }),
    });
    expect(await upstreamCalls(metricsUrl, 'chat.users.get')).toEqual([expect.stringContaining('status="200"')]);
  });

  it('a WebSocket operation gets the same context: loaders, bound client and cost', async () => {
    const { graphqlUrl } = await startGatewayRunner();
    const query = '{ user(username: "alice") { online contacts { online } } }';
    const client = wsClient(graphqlUrl);
    const overSocket = await new Promise<{ data?: unknown; extensions?: { cost?: { calls: Record<string, number> } } }>((resolve, reject) => {
      let last = {};
      client.subscribe({ query }, { next: (r) => (last = r), error: reject, complete: () => resolve(last) });
    });
    const overHttp = (await (
      await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(graphqlUrl) }, body: JSON.stringify({ query }) })
    ).json()) as typeof overSocket;
    expect(overSocket.data).toEqual({ user: { online: expect.any(Boolean), contacts: expect.any(Array) } });
    // The socket's request has its own loaders and ledger, as HTTP's has: the same calls, counted the same.
    expect(overSocket.extensions?.cost?.calls['chat.users.batchStatus']).toBeGreaterThan(0);
    expect(overSocket.extensions?.cost).toEqual(overHttp.extensions?.cost);
  });
});
