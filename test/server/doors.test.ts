import { describe, expect, it } from 'vitest';
import { postGraphQL, startGateway, wsClient, wsQuery } from '../helpers/gateway.ts';
import { authHeaders } from '../helpers/auth.ts';

describe('the doors: HTTP, WebSocket and SSE on one port', () => {
  it('answers GraphQL over HTTP on its port', async () => {
    const { graphqlUrl, emulatorUrl } = await startGateway();
    expect(emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await postGraphQL(graphqlUrl, '{ health agoraMode }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ health: 'ok', agoraMode: 'EMULATOR' });
    expect(res.body.extensions?.cost).toEqual({ predicted: 0, estimated: false, actual: 0, calls: {}, cacheHits: 0, coalesced: 0 });
  });

  it('answers GraphQL over WebSocket (graphql-ws) on the same path', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    expect(await wsQuery(client, '{ health agoraMode }')).toMatchObject({ data: { health: 'ok', agoraMode: 'EMULATOR' } });
  });

  it('streams a subscription over WebSocket (graphql-ws), as GraphiQL does', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    const beats: { sequence: number }[] = [];
    await new Promise<void>((resolve, reject) => {
      const unsubscribe = client.subscribe<{ heartbeat: { sequence: number } }>(
        { query: 'subscription { heartbeat(intervalSeconds: 1) { sequence at } }' },
        {
          next: (r) => {
            if (r.data) beats.push(r.data.heartbeat);
            if (beats.length === 2) {
              unsubscribe();
              resolve();
            }
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    expect(beats.map((b) => b.sequence)).toEqual([1, 2]);
  });

  it('streams a subscription over SSE too', async () => {
    const { graphqlUrl } = await startGateway();
    const controller = new AbortController();
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query: 'subscription { heartbeat(intervalSeconds: 1) { sequence } }' }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    expect(new TextDecoder().decode(value)).toContain('"sequence":1');
  });

  it('reports validation errors over WebSocket as GraphQL errors', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    const error = await wsQuery(client, '{ nope }').catch((e: unknown) => e);
    expect(error).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Cannot query field "nope" on type "Query"\./) })]);
  });

  it('answers a bad variable over WebSocket as over HTTP: BAD_USER_INPUT naming it, without the HTTP status yoga notes for HTTP', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    const result = await new Promise<{ errors?: unknown }>((resolve, reject) => {
      let last: { errors?: unknown } = {};
      client.subscribe(
        { query: 'query($n: Int!) { users(first: $n) { edges { cursor } } }', variables: { n: 'abc' } },
        { next: (r) => (last = r), error: reject, complete: () => resolve(last) },
      );
    }).catch((errors: unknown) => ({ errors }));
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Variable "\$n" got invalid value "abc"; Int cannot represent/),
        extensions: { code: 'BAD_USER_INPUT', variable: 'n' },
      }),
    ]);
  });

  it('frees its port and the emulator port on stop', async () => {
    const { server, graphqlUrl, emulatorUrl } = await startGateway();
    await server.stop();
    await expect(fetch(graphqlUrl)).rejects.toThrow();
    await expect(fetch(`${emulatorUrl}/_emulator`)).rejects.toThrow();
  });
});
