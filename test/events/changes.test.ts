import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { authHeaders } from '../helpers/auth.ts';
import { leftover } from '../helpers/leftovers.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';

const LIVE_ENV = { EVENT_POLL_INTERVAL_MS: '20', PRESENCE_POLL_INTERVAL_MS: '50' };

describe('presence, live', () => {
  it('presence set by a simulated client reaches presenceChanged subscribers, changes only', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    const watch = subscribe<{ user: { username: string }; online: boolean; ext: string }>(
      client,
      'presenceChanged',
      'subscription { presenceChanged(usernames: ["alice", "bob"]) { user { username } online ext } }',
    );
    await activeSubscriptions(server, 1);
    // The watcher's first read of the watched users sets what a change is.
    const reads = await control.callCount('chat.presence.getMany');
    await expect.poll(() => control.callCount('chat.presence.getMany'), { interval: 10 }).toBeGreaterThan(reads);
    await control.chat.setPresence('alice', { status: '1', ext: 'in a meeting' });
    const [change] = await watch.waitFor(1);
    expect(change).toEqual({ user: { username: 'alice' }, online: true, ext: 'in a meeting' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Several more reads, no change: nothing more.
    expect(watch.events()).toHaveLength(1);
  });

  it("reads a chunk's presence as another of its users when Agora does not know the first (a watched user deleted since)", async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    // aaron is no Chat user: a read as him is refused ("resource not exist"), and would have failed the whole chunk.
    const watch = subscribe<{ user: { username: string }; online: boolean; ext: string }>(
      client,
      'presenceChanged',
      'subscription { presenceChanged(usernames: ["aaron", "alice"]) { user { username } online ext } }',
    );
    await activeSubscriptions(server, 1);
    await expect.poll(() => server.events.presenceStats().rounds, { interval: 10 }).toBeGreaterThan(1);
    await control.chat.setPresence('alice', { status: '1', ext: 'in a meeting' });
    const [change] = await watch.waitFor(1);
    expect(change).toEqual({ user: { username: 'alice' }, online: true, ext: 'in a meeting' });
  });

  it('reads the presence of watched users only while someone watches them', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await control.callCount('chat.presence.getMany')).toBe(0);
    const client = wsClient(graphqlUrl);
    const watch = subscribe(client, 'presenceChanged', 'subscription { presenceChanged(usernames: ["alice"]) { online } }');
    await activeSubscriptions(server, 1);
    await expect.poll(() => control.callCount('chat.presence.getMany'), { interval: 10 }).toBeGreaterThan(0);
    watch.stop();
    await activeSubscriptions(server, 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await control.callCount('chat.presence.getMany');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await control.callCount('chat.presence.getMany')).toBe(after);
  });
});

describe("the gateway's own changes, live", () => {
  it('a member added through the gateway reaches groupChanged subscribers, with the group read afresh', async () => {
    const { graphqlUrl, run, server } = await startGatewayRunner(LIVE_ENV);
    const { createGroup } = await run<{ createGroup: { groupId: string } }>(
      'mutation { createGroup(input: { name: "Live", owner: "carol", members: ["dave"] }) { groupId } }',
    );
    const client = wsClient(graphqlUrl);
    const changes = subscribe<{ change: string; users: { username: string }[]; group: { memberCount: number } | null }>(
      client,
      'groupChanged',
      'subscription ($id: String!) { groupChanged(groupId: $id) { change users { username } group { memberCount } } }',
      { id: createGroup.groupId },
    );
    const other = subscribe(client, 'groupChanged', 'subscription { groupChanged(groupId: "1") { change } }');
    await activeSubscriptions(server, 2);
    // One change at a time, so that each event is resolved before the next change is made.
    await run(`mutation { addGroupMembers(groupId: "${createGroup.groupId}", usernames: ["alice"]) { __typename } }`);
    await changes.waitFor(1);
    await run(`mutation { removeGroupMembers(groupId: "${createGroup.groupId}", usernames: ["dave"]) { username } }`);
    await changes.waitFor(2);
    await run(`mutation { deleteGroup(groupId: "${createGroup.groupId}") }`);
    // Each event's group is read when the event is resolved, with loaders of its own: never a stale read.
    expect(await changes.waitFor(3)).toEqual([
      { change: 'MEMBERS_ADDED', users: [{ username: 'alice' }], group: { memberCount: 3 } },
      { change: 'MEMBERS_REMOVED', users: [{ username: 'dave' }], group: { memberCount: 2 } },
      { change: 'DELETED', users: [], group: null },
    ]);
    expect(other.events()).toEqual([]);
  });

  it('messages sent through the gateway reach messageSent subscribers by filter', async () => {
    const { graphqlUrl, run, server } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    const query =
      'subscription ($to: String, $service: MessageService) { messageSent(to: $to, service: $service) { service target from { username } to recipient { __typename ... on User { username } } messageId } }';
    const toBob = subscribe(client, 'messageSent', query, { to: 'bob' });
    const signaling = subscribe(client, 'messageSent', query, { service: 'SIGNALING' });
    await activeSubscriptions(server, 2);
    await run('mutation { sendPeerMessage(input: { from: "alice", to: "bob", payload: "hi" }) { status } }');
    await run('mutation { sendChannelMessage(input: { from: "alice", channel: "lobby", payload: "hi all" }) { status } }');
    await run('mutation { sendMessage(input: { from: "alice", toUsers: ["bob", "carol"], body: { text: { text: "hey" } } }) { __typename } }');
    const bob = await toBob.waitFor(2);
    // `recipient` is the receiving user as a node, as `from` is; a Signaling channel is none.
    const bobAsNode = { __typename: 'User', username: 'bob' };
    expect(bob).toEqual([
      { service: 'SIGNALING', target: 'PEER', from: { username: 'alice' }, to: 'bob', recipient: bobAsNode, messageId: null },
      { service: 'CHAT', target: 'USER', from: { username: 'alice' }, to: 'bob', recipient: bobAsNode, messageId: expect.any(String) },
    ]);
    const signaled = (await signaling.waitFor(2)) as { to: string; recipient: unknown }[];
    expect(signaled.map((e) => [e.to, e.recipient])).toEqual([
      ['bob', bobAsNode],
      ['lobby', null],
    ]);
  });
});

describe('a subscriber that stops reading', () => {
  it('does not delay others, and is ended once its bounded queue overflows, saying where to resume', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner({ ...LIVE_ENV, SUBSCRIBER_QUEUE_SIZE: '2000', LIMIT_MAX_ALIASES: '100' });
    // A raw graphql-ws connection whose socket stops reading after the subscription starts.
    const paused = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws'), (s) => s.terminate());
    await new Promise((resolve) => paused.once('open', resolve));
    paused.send(JSON.stringify({ type: 'connection_init', payload: authHeaders(graphqlUrl) }));
    await new Promise((resolve) => paused.once('message', resolve));
    // Fat results (many aliases), so that what the socket does not read fills the kernel's buffers soon.
    const fields = Array.from({ length: 60 }, (_, i) => `c${i}: cursor`).join(' ');
    paused.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { userEvents(usernames: ["flood"]) { ${fields} } }` } }));
    const client = wsClient(graphqlUrl);
    const reader = subscribe(client, 'userEvents', 'subscription { userEvents(usernames: ["flood"]) { cursor } }');
    await activeSubscriptions(server, 2);
    (paused as unknown as { _socket: { pause(): void } })._socket.pause();

    // Bursts of 2,000 events (a full store each) until the paused subscriber is ended.
    const queueSize = 2000;
    let produced = 0;
    let mostQueued = 0;
    for (let burst = 0; burst < 60; burst++) {
      await control.signaling.churn('flood', 1000);
      produced += 2000;
      await reader.waitFor(produced, 20_000);
      mostQueued = Math.max(mostQueued, server.events.subscriberStats().queued);
      if (server.events.subscriberStats().subscribers === 1) break;
    }
    // The reading subscriber got every event, while the other stalled and was let go: its feed holds nothing.
    expect(reader.events()).toHaveLength(produced);
    expect(server.events.subscriberStats()).toEqual({ subscribers: 1, queued: 0 });
    // What waited for the stalled subscriber never exceeded its queue (plus the reader's, which drains).
    expect(mostQueued).toBeLessThanOrEqual(2 * queueSize);
    // Once it reads again, it learns why it was ended and where to resume.
    const messages: { type: string; payload?: { errors?: { extensions?: Record<string, unknown> }[] } }[] = [];
    paused.on('message', (data) => messages.push(JSON.parse(String(data))));
    (paused as unknown as { _socket: { resume(): void } })._socket.resume();
    await expect.poll(() => messages.some((m) => m.type === 'complete'), { timeout: 10_000 }).toBe(true);
    await activeSubscriptions(server, 1);
    const ending = messages.find((m) => m.payload?.errors);
    expect(messages.filter((m) => m.payload?.errors)).toHaveLength(1);
    expect(ending?.payload?.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'SUBSCRIBER_QUEUE_OVERFLOW',
      resumeAfter: expect.any(String),
    });
  });
});

describe('WebSocket upkeep', () => {
  it('closes a socket that sends no connection_init in time with 4408', async () => {
    const { graphqlUrl } = await startGatewayRunner({ WS_CONNECTION_INIT_TIMEOUT_MS: '150' });
    const socket = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws'), (s) => s.terminate());
    const [code] = await new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, String(r)])));
    expect(code).toBe(4408);
  });

  it('pings every socket, and terminates one that stops answering', async () => {
    const { graphqlUrl, server } = await startGatewayRunner({ WS_KEEPALIVE_MS: '100' });
    const open = async () => (await server.metrics.registry.getSingleMetric('graphql_ws_connections')!.get()).values[0]?.value;
    const socket = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws'), (s) => s.terminate());
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: authHeaders(graphqlUrl) }));
    await new Promise((resolve) => socket.once('message', resolve));
    let pings = 0;
    socket.on('ping', () => pings++);
    await expect.poll(() => pings, { interval: 20 }).toBeGreaterThanOrEqual(2);
    expect(await open()).toBe(1);
    // A client that stops reading answers no ping: the gateway lets the socket go.
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await expect.poll(open, { interval: 20 }).toBe(0);
  });
});
