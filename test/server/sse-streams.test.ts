/**
 * graphql-sse's client in both of its modes against the gateway's one GraphQL URL: distinct connections
 * (yoga's own SSE) and the single connection (src/plugins/use-sse-streams.ts), and what binds a stream to
 * who reserved it.
 */
import type { Client as SseClient } from 'graphql-sse';
import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { tokenFor } from '../helpers/auth.ts';
import { startGateway } from '../helpers/gateway.ts';
import { activeSubscriptions, sseClient, subscribe } from '../helpers/live.ts';

const USER_EVENTS = 'subscription ($usernames: [String!]) { userEvents(usernames: $usernames) { type user { username } } }';
const TOKEN_HEADER = 'x-graphql-event-stream-token';

function queryOver(client: SseClient, query: string): Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }> {
  return new Promise((resolve, reject) => {
    let result = {};
    client.subscribe({ query }, { next: (r) => void (result = r), error: reject, complete: () => resolve(result) });
  });
}

describe('graphql-sse clients', () => {
  for (const singleConnection of [false, true]) {
    it(`${singleConnection ? 'single connection' : 'distinct connections'} mode: queries and subscriptions on the GraphQL URL, with the caller's rules`, async () => {
      const { graphqlUrl, server } = await startGateway({ EVENT_POLL_INTERVAL_MS: '20' });
      const control = createEmulatorControl(server.emulator!.url);
      const client = sseClient(graphqlUrl, singleConnection, await tokenFor('alice'));

      expect(await queryOver(client, `{ user(username: "alice") { username } }`)).toMatchObject({ data: { user: { username: 'alice' } } });
      const own = subscribe<{ type: string; user: { username: string } }>(client, 'userEvents', USER_EVENTS, { usernames: ['alice'] });
      const others = subscribe(client, 'userEvents', USER_EVENTS, { usernames: ['bob'] });
      await expect.poll(() => others.results.length + (others.error ? 1 : 0)).toBeGreaterThan(0);
      expect((others.results[0]?.errors ?? (others.error as { extensions?: unknown }[]))?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      await activeSubscriptions(server, 1);

      await control.signaling.logout('alice');
      await control.signaling.login('alice');
      expect(await own.waitFor(2)).toEqual([
        { type: 'LOGOUT', user: { username: 'alice' } },
        { type: 'LOGIN', user: { username: 'alice' } },
      ]);
      own.stop();
      await activeSubscriptions(server, 0);
    });
  }

  it("binds a stream to its reserver: another caller's operations, a stranger's GET and an unknown token are refused", async () => {
    const { graphqlUrl } = await startGateway();
    const [alice, bob] = [await tokenFor('alice'), await tokenFor('bob')];
    const as = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
    const reserved = await fetch(graphqlUrl, { method: 'PUT', headers: as(alice) });
    expect(reserved.status).toBe(201);
    const streamToken = await reserved.text();
    expect(streamToken).toMatch(/^[0-9a-f-]{36}$/);

    const post = (token: string, stream: string) =>
      fetch(graphqlUrl, {
        method: 'POST',
        headers: as(token, { 'content-type': 'application/json', [TOKEN_HEADER]: stream }),
        body: JSON.stringify({ query: '{ health }', extensions: { operationId: '1' } }),
      });
    const byBob = await post(bob, streamToken);
    expect(byBob.status).toBe(403);
    expect((await byBob.json()).errors[0]).toMatchObject({
      message: 'This event stream was reserved with other credentials',
      extensions: { code: 'FORBIDDEN' },
    });
    const unknown = await post(alice, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    const stranger = await fetch(`${graphqlUrl}?token=${streamToken}`, { headers: as(bob, { accept: 'text/event-stream' }) });
    expect(stranger.status).toBe(403);
    await stranger.body?.cancel();
    // Without credentials or the CSRF header, a stream request is one any web page could send.
    const bare = await fetch(graphqlUrl, { method: 'PUT' });
    expect(bare.status).toBe(403);
    expect(await bare.text()).toContain('x-graphql-csrf');
  });

  it('drops a reservation nobody opens, caps streams per caller, and ends a stream when its credential expires', async () => {
    const { graphqlUrl, server } = await startGateway({ SSE_RESERVATION_TIMEOUT_MS: '1500', SSE_MAX_STREAMS_PER_CLIENT: '2', EVENT_POLL_INTERVAL_MS: '20' });
    const carol = { authorization: `Bearer ${await tokenFor('carol')}` };
    const put = () => fetch(graphqlUrl, { method: 'PUT', headers: carol });
    const first = await (await put()).text();
    expect((await put()).status).toBe(201);
    const third = await put();
    expect(third.status).toBe(429);
    expect((await third.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Unopened, both reservations are dropped, and their places freed. (The timeout leaves a loaded machine time for the three PUTs.)
    // (Probed by DELETE, which opens nothing: 400 for a missing operation id while the stream exists.)
    await expect.poll(async () => (await fetch(`${graphqlUrl}?token=${first}`, { method: 'DELETE', headers: carol })).status, { interval: 50 }).toBe(404);
    expect((await put()).status).toBe(201);

    // A credential valid for 2 s: its stream and the subscription on it end then.
    const client = sseClient(graphqlUrl, true, await tokenFor('dave', ['user'], 2));
    const live = subscribe(client, 'userEvents', USER_EVENTS, { usernames: ['dave'] });
    await activeSubscriptions(server, 1);
    await activeSubscriptions(server, 0);
    expect(live.results).toEqual([]);
  });
});
