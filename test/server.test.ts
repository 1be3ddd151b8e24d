import { authHeaders } from './helpers/auth.ts';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printSchema } from '../src/schema/index.ts';
import { DEFAULT_QUERY } from '../src/app.ts';
import { postGraphQL, startGateway, wsClient, wsQuery } from './helpers/gateway.ts';

describe('the gateway in emulator mode', () => {
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
      client.subscribe({ query: 'query($n: Int!) { users(first: $n) { edges { cursor } } }', variables: { n: 'abc' } }, { next: (r) => (last = r), error: reject, complete: () => resolve(last) });
    }).catch((errors: unknown) => ({ errors }));
    expect(result.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^Variable "\$n" got invalid value "abc"; Int cannot represent/), extensions: { code: 'BAD_USER_INPUT', variable: 'n' } }),
    ]);
  });

  it('serves GraphiQL to browsers, with a default query that runs', async () => {
    const { graphqlUrl } = await startGateway();
    const res = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('agora-graphql');
    expect(html).toContain('query Tour');
  });

  it("GraphiQL's default query runs against the demo data without errors", async () => {
    const { graphqlUrl } = await startGateway();
    const res = await postGraphQL(graphqlUrl, DEFAULT_QUERY);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ agoraMode: 'EMULATOR', user: { nickname: 'Alice Martin' } });
  });

  it('answers the probes', async () => {
    const { graphqlUrl } = await startGateway();
    const base = graphqlUrl.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, mode: 'emulator', upstream: { chat: { state: 'unknown' } }, poller: { role: 'leader' }, redis: 'not configured' });
  });

  it('reports in /readyz whether Agora answered the last call of each service, from the calls it makes anyway', async () => {
    const { graphqlUrl, server } = await startGateway({ AGORA_RETRY_UNIT_MS: '5' });
    const readyz = async () => (await (await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'))).json()) as { upstream: Record<string, { state: string; operation?: string; outcome?: string }> };
    await postGraphQL(graphqlUrl, '{ user(username: "alice") { nickname } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'reachable', operation: 'chat.users.get', outcome: '200' });
    // Every Chat call now has its connection reset before Agora answers.
    await fetch(`${server.emulator!.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: 'chat.users.get', reset: 'before', times: 10 }) });
    await postGraphQL(graphqlUrl, '{ user(username: "bob") { nickname } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'unreachable', operation: 'chat.users.get', outcome: 'network' });
    // An HTTP error is an answer: Agora is there.
    await fetch(`${server.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
    await postGraphQL(graphqlUrl, '{ group(groupId: "404404") { name } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'reachable', outcome: '404' });
    // Signaling is called by the event poller alone here, and answers it.
    expect((await readyz()).upstream.rtm).toMatchObject({ state: 'reachable', operation: expect.stringMatching(/^rtm\.get(User|Channel)Events$/) });
  });

  it('seeds the embedded emulator with Signaling and Chat demo data', async () => {
    const { server } = await startGateway();
    expect(server.emulator?.state.rtm.onlineUsers()).toEqual(['alice', 'bob', 'carol']);
    const history = await server.agora.rtm.countHistory({ source: 'alice', startTime: new Date(Date.now() - 3600_000), endTime: new Date() });
    expect(history).toBe(2);

    const chat = server.agora.chat!;
    expect((await chat.users.list({ limit: 10 })).items.map((u) => u.username)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(await chat.users.batchStatus(['alice', 'bob', 'carol'])).toEqual({ alice: 'online', bob: 'online', carol: 'offline' });
    expect(await chat.contacts.list('alice')).toEqual(['bob', 'carol']);
    const [group] = (await chat.groups.list()).items;
    expect(group).toMatchObject({ name: 'Product team', owner: 'alice', memberCount: 4 });
    const threads = await chat.threads.list();
    expect(threads.items[0]).toMatchObject({ name: 'Release checklist', groupId: group!.id });
    const reactions = await chat.reactions.list({ username: 'bob', messageIds: [threads.items[0]!.messageId!], groupId: group!.id });
    expect(Object.values(reactions)[0]).toEqual([{ reaction: 'thumbs_up', count: 2, reactedByMe: true, users: ['bob', 'carol'] }]);
    const [bob] = await chat.presence.getMany({ username: 'alice', users: ['bob'] });
    expect(bob).toMatchObject({ online: true, ext: 'In a meeting until 3pm' });
    // The two group messages of others wait for carol, who has no device connected.
    expect(await chat.users.offlineMessageCount('carol')).toBe(2);
    // The six demo messages were sent in the last 30 minutes: this hour and maybe the one before.
    const hours = [new Date(), new Date(Date.now() - 3600_000)];
    const archived = await Promise.all(hours.map((h) => chat.messages.downloadHistory(h).catch(() => [])));
    expect(archived.flat()).toHaveLength(6);
  });

  it('frees its port and the emulator port on stop', async () => {
    const { server, graphqlUrl, emulatorUrl } = await startGateway();
    await server.stop();
    await expect(fetch(graphqlUrl)).rejects.toThrow();
    await expect(fetch(`${emulatorUrl}/_emulator`)).rejects.toThrow();
  });
});

describe('schema.graphql', () => {
  it('is the schema printed from Pothos (run `npm run print-schema` after changing the schema)', async () => {
    expect(await readFile(new URL('../schema.graphql', import.meta.url), 'utf8')).toBe(printSchema());
  });
});
