/**
 * `@live` queries over real WebSockets (graphql-ws) and SSE against the emulator: what makes one re-send,
 * how often it may, who shares a re-execution, who stops, and two instances on one Redis.
 */
import { describe, expect, it } from 'vitest';
import { agoraEnvironment, startEmulator } from '../helpers/agora.ts';
import { TEST_API_KEY_HASH, tokenFor } from '../helpers/auth.ts';
import { postChatCallback } from '../helpers/chat.ts';
import { postGraphQL, startGateway, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { sseClient, subscribe, subscribeSse, type Subscribable, type Subscriber } from '../helpers/live.ts';
import { startRedis } from '../helpers/redis.ts';

interface GroupView {
  memberCount: number;
  members: { edges: { node: { username: string; online: boolean } }[] };
}

const LIVE_GROUP = 'query LiveGroup($id: String!) @live { group(groupId: $id) { memberCount members(first: 50) { edges { node { username online } } } } }';
const SECRET = 'rule-secret';

const usernames = (view: GroupView) => view.members.edges.map((e) => e.node.username);
const onlineOf = (view: GroupView, username: string) => view.members.edges.find((e) => e.node.username === username)?.node.online;

/** The group "Product team" of the demo data: alice owns it; bob, carol and dave belong to it. */
async function productTeam(graphqlUrl: string): Promise<string> {
  const res = await postGraphQL(graphqlUrl, '{ user(username: "alice") { joinedGroups(first: 1) { edges { node { groupId } } } } }');
  return (res.body.data as { user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }).user.joinedGroups.edges[0]!.node.groupId;
}

/** Waits for the next result after the `n` seen so far, and answers it. */
async function next<T>(live: Subscriber<T>, seen: number): Promise<T> {
  return (await live.waitFor(seen + 1))[seen]!;
}

describe('live queries', () => {
  it('answer at once, then again when a member is added through the gateway, when a user logs in, and when a callback says the group changed (graphql-ws, SSE, graphql-sse single connection)', async () => {
    const { graphqlUrl, server, control } = await startGatewayRunner({
      LIVE_THROTTLE_MS: '50',
      PRESENCE_POLL_INTERVAL_MS: '50',
      CHAT_CALLBACK_SECRETS: SECRET,
    });
    const id = await productTeam(graphqlUrl);
    const overWs = subscribe<GroupView>(wsClient(graphqlUrl, { token: await tokenFor('alice') }), 'group', LIVE_GROUP, { id });
    const overSse = subscribeSse<GroupView>(graphqlUrl, 'group', LIVE_GROUP, { id });
    // graphql-sse's client in its single-connection mode: one stream, operations posted into it.
    const overOneStream = subscribe<GroupView>(sseClient(graphqlUrl, true, await tokenFor('carol')), 'group', LIVE_GROUP, { id });
    const all = [overWs, overSse, overOneStream];
    for (const live of all) expect(usernames(await next(live, 0))).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(overWs.results[0]).toMatchObject({ isLive: true });

    // Through the gateway: its own mutation's event.
    await postGraphQL(graphqlUrl, `mutation { addGroupMembers(groupId: "${id}", usernames: ["erin"]) { __typename } }`);
    for (const live of all) {
      const view = await next(live, 1);
      expect(view.memberCount).toBe(5);
      expect(onlineOf(view, 'erin')).toBe(false);
    }

    // erin's SDK connects (the emulator's simulated client): the presence watcher reads the users a live query
    // shows. Its first read of a name is what later reads compare with: the test waits for two rounds with erin.
    const presenceReads = await control.callCount('chat.presence.getMany');
    await expect.poll(() => control.callCount('chat.presence.getMany')).toBeGreaterThanOrEqual(presenceReads + 2);
    await control.chat.connect('erin');
    for (const live of all) expect(onlineOf(await next(live, 2), 'erin')).toBe(true);

    // erin leaves outside the gateway (an SDK), and Agora's callback says so.
    await server.agora.chat!.groups.removeMembers({ id, usernames: ['erin'] });
    const leave = {
      callId: `${server.emulator!.project.chatOrg}#${server.emulator!.project.chatApp}_leave`,
      timestamp: Date.now(),
      chat_type: 'muc',
      from: 'erin',
      payload: { muc_id: `org#app_${id}@conference.easemob.com`, operation: 'leave', is_chatroom: false },
    };
    expect(await postChatCallback(graphqlUrl, SECRET, leave)).toBe(200);
    for (const live of all) expect(usernames(await next(live, 3))).toEqual(['alice', 'bob', 'carol', 'dave']);
    for (const live of all) expect(live.results.every((r) => r.errors === undefined)).toBe(true);
  });

  it('send at most one result per LIVE_THROTTLE_MS, or per a longer @live(throttle:), never a shorter one; the last always shows the newest state', async () => {
    const THROTTLE = 400;
    const { graphqlUrl, server } = await startGatewayRunner({ LIVE_THROTTLE_MS: String(THROTTLE) });
    const id = await productTeam(graphqlUrl);
    const client = wsClient(graphqlUrl);
    const arrivals = new Map<Subscriber<GroupView>, number[]>();
    const watch = (query: string) => {
      // graphql-ws's client, noting when each result arrives.
      const timed: Subscribable = {
        subscribe: (payload, sink) =>
          client.subscribe(payload, {
            ...sink,
            next: (value) => {
              arrivals.get(live)!.push(performance.now());
              sink.next(value);
            },
          }),
      };
      const live = subscribe<GroupView>(timed, 'group', query, { id });
      arrivals.set(live, []);
      return live;
    };
    const atServers = watch(LIVE_GROUP);
    const faster = watch(LIVE_GROUP.replace('@live', '@live(throttle: 10)'));
    const slower = watch(LIVE_GROUP.replace('@live', `@live(throttle: ${3 * THROTTLE})`));
    for (const live of [atServers, faster, slower]) await live.waitFor(1);

    // Ten changes in quick succession.
    const newcomers = Array.from({ length: 10 }, (_, i) => `newcomer${i}`);
    await server.agora.chat!.users.registerMany(newcomers.map((username) => ({ username })));
    for (const username of newcomers)
      await postGraphQL(graphqlUrl, `mutation { addGroupMembers(groupId: "${id}", usernames: ["${username}"]) { __typename } }`);

    for (const live of [atServers, faster, slower]) await expect.poll(() => live.events().at(-1)?.memberCount, { timeout: 15_000 }).toBe(14);
    const gaps = (live: Subscriber<GroupView>) => arrivals.get(live)!.flatMap((t, i, all) => (i === 0 ? [] : [t - all[i - 1]!]));
    // The gateway sends them a throttle apart; measured at the client, one may have come late and the next on
    // time, so the bound here is three quarters of it (a 10 ms throttle kept would give gaps of a few ms).
    for (const live of [atServers, faster]) for (const gap of gaps(live)) expect(gap).toBeGreaterThanOrEqual(0.75 * THROTTLE);
    for (const gap of gaps(slower)) expect(gap).toBeGreaterThanOrEqual(0.75 * 3 * THROTTLE);
    // Fewer results than changes: the changes within a throttle were shown together.
    expect(atServers.results.length).toBeLessThan(1 + newcomers.length);
  });

  it('are executed once per shape: live queries of one operation, variables and audience share each re-execution and its upstream reads', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner({ LIVE_THROTTLE_MS: '50' });
    const id = await productTeam(graphqlUrl);
    // Three users' sockets; the query reads nothing of who they are, so they share the audience of signed-in users.
    const lives = await Promise.all(
      ['bob', 'carol', 'dave'].map(async (u) => subscribe<GroupView>(wsClient(graphqlUrl, { token: await tokenFor(u) }), 'group', LIVE_GROUP, { id })),
    );
    for (const live of lives) await live.waitFor(1);
    expect(server.liveQueries.stats()).toMatchObject({ queries: 3, shapes: 1 });
    await control.clearCalls();
    const before = server.liveQueries.stats().reexecutions;
    await server.agora.chat!.groups.addMembers({ id, usernames: ['erin'] });
    // The gateway learns of it as it would from any mutation of its own: an event on the log.
    await server.events.publish([{ kind: 'group', id, change: 'members-added', usernames: ['erin'], at: Date.now() }]);
    for (const live of lives) expect((await next(live, 1)).memberCount).toBe(5);
    expect(server.liveQueries.stats().reexecutions - before).toBe(1);
    // One re-execution: one read of the group's details and one of its member page, for the three of them.
    expect(await control.callCount('chat.groups.details')).toBe(1);
    expect(await control.callCount('chat.groups.members')).toBe(1);
    // Made at background priority: interactive requests go first at Agora's budgets.
    const metrics = await (await fetch(graphqlUrl.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/^agora_upstream_calls_total\{operation="chat.groups.details",status="200",priority="background"\} 1$/m);
    expect(metrics).toMatch(/^graphql_live_queries 3$/m);
    expect(metrics).toMatch(/^graphql_live_query_shapes 1$/m);
  });

  it('stop for a viewer who loses access: a member removed from a group gets null for its conversation, and then completion', async () => {
    const { graphqlUrl, server } = await startGatewayRunner({ LIVE_THROTTLE_MS: '50' });
    const id = await productTeam(graphqlUrl);
    const bob = await tokenFor('bob');
    const listed = await postGraphQL(graphqlUrl, '{ conversations(first: 5) { edges { node { id group { groupId } } } } }', undefined, { token: bob });
    const conversationId = (
      listed.body.data as { conversations: { edges: { node: { id: string; group: { groupId: string } | null } }[] } }
    ).conversations.edges.find((e) => e.node.group?.groupId === id)!.node.id;
    const query = 'query ($id: ID!) @live { node(id: $id) { ... on Conversation { type unreadCount lastMessage { messageId } } } }';
    const live = subscribe<{ type: string; lastMessage: { messageId: string } | null } | null>(wsClient(graphqlUrl, { token: bob }), 'node', query, {
      id: conversationId,
    });
    await live.waitFor(1);
    expect(live.events()[0]).toMatchObject({ type: 'GROUP' });

    // A message to the group: bob sees it.
    const sent = await postGraphQL(
      graphqlUrl,
      `mutation { sendMessage(input: { from: "alice", toGroups: ["${id}"], body: { text: { text: "before" } } }) { ... on MutationSendMessageSuccess { data { messageId } } } }`,
    );
    const messageId = (sent.body.data as { sendMessage: { data: { messageId: string }[] } }).sendMessage.data[0]!.messageId;
    await expect.poll(() => live.events().at(-1)?.lastMessage?.messageId).toBe(messageId);

    // alice removes bob: his next result has no conversation, and it is the last.
    await postGraphQL(graphqlUrl, `mutation { removeGroupMembers(groupId: "${id}", usernames: ["bob"]) { __typename } }`);
    await expect.poll(() => live.completed).toBe(true);
    expect(live.results.at(-1)).toMatchObject({ data: { node: null } });
    expect(server.liveQueries.stats().queries).toBe(0);
  });

  it('re-executions count against the viewer’s fair share: one past it is put off until the share refills, never answered as an error', async () => {
    const { graphqlUrl } = await startGatewayRunner({ LIVE_THROTTLE_MS: '50', FAIR_OPERATIONS_PER_SECOND: '1' });
    const id = await productTeam(graphqlUrl);
    const live = subscribe<GroupView>(wsClient(graphqlUrl, { token: await tokenFor('carol') }), 'group', LIVE_GROUP, { id });
    await live.waitFor(1);
    const started = performance.now();
    // The first execution spent carol's one operation of this second; two changes at once follow.
    await postGraphQL(graphqlUrl, `mutation { addGroupMembers(groupId: "${id}", usernames: ["erin"]) { __typename } }`);
    await expect.poll(() => live.events().at(-1)?.memberCount, { timeout: 10_000 }).toBe(5);
    expect(live.results.every((r) => r.errors === undefined)).toBe(true);
    expect(performance.now() - started).toBeGreaterThan(200);
  });

  it('are refused with a reason over plain JSON, and answered once without @live or with @live(if: false)', async () => {
    const { graphqlUrl } = await startGatewayRunner();
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await tokenFor('alice')}` },
      body: JSON.stringify({ query: 'query @live { health }' }),
    });
    expect(res.status).toBe(406);
    expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT', reason: 'LIVE_QUERY_NEEDS_A_STREAM' } }] });
    expect((await postGraphQL(graphqlUrl, 'query @live(if: false) { health }')).body.data).toEqual({ health: 'ok' });
  });

  it('stream as multipart/mixed too, as incremental-delivery clients read it', async () => {
    const { graphqlUrl } = await startGatewayRunner();
    const controller = new AbortController();
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${await tokenFor('alice')}` },
      body: JSON.stringify({ query: 'query @live { health }' }),
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"isLive":true')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('{"data":{"health":"ok"},"isLive":true}');
    controller.abort();
  });
});

describe('live queries on several instances', () => {
  it('re-send on one instance when a mutation goes through another: invalidations travel on the Redis event log', async () => {
    const redis = await startRedis();
    const { emulator } = await startEmulator();
    const env = { ...agoraEnvironment(emulator), REDIS_URL: redis.url, AUTH_API_KEY_HASHES: TEST_API_KEY_HASH, LIVE_THROTTLE_MS: '50', SHARED_READS: 'on' };
    const [one, two] = [await startGateway(env), await startGateway(env)];
    for (const username of ['alice', 'bob', 'carol']) emulator.state.chat.addUser(username, {});
    const id = emulator.state.chat.addCollective('group', { name: 'Ops', description: '', owner: 'alice', members: ['bob'], maxUsers: 50 }).id;
    const live = subscribe<GroupView>(wsClient(two.graphqlUrl, { token: await tokenFor('bob') }), 'group', LIVE_GROUP, { id });
    expect(usernames(await next(live, 0))).toEqual(['alice', 'bob']);
    const added = await postGraphQL(one.graphqlUrl, `mutation { addGroupMembers(groupId: "${id}", usernames: ["carol"]) { __typename } }`);
    expect(added.body.data).toEqual({ addGroupMembers: { __typename: 'MutationAddGroupMembersSuccess' } });
    // Shared reads are on and in Redis: the re-execution reads after the cached member page was dropped.
    expect(usernames(await next(live, 1))).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('live queries of what is not there yet', () => {
  it('re-send when the user they found none of is registered; viewers that shared a result split once it reads who they are', async () => {
    const { graphqlUrl, server } = await startGatewayRunner({ LIVE_THROTTLE_MS: '50' });
    // Nothing resolved reads who the viewer is while the user does not exist: bob and carol share one execution.
    const query = 'query ($u: String!) @live { user(username: $u) { nickname offlineMessageCount } }';
    const lives = await Promise.all(
      ['bob', 'carol'].map(async (u) =>
        subscribe<{ nickname: string | null; offlineMessageCount: number | null } | null>(wsClient(graphqlUrl, { token: await tokenFor(u) }), 'user', query, {
          u: 'newbie',
        }),
      ),
    );
    for (const live of lives) await expect.poll(() => live.results.length).toBe(1);
    expect(lives[0]!.results[0]!.data).toEqual({ user: null });
    expect(server.liveQueries.stats()).toMatchObject({ queries: 2, shapes: 1 });

    await postGraphQL(graphqlUrl, 'mutation { registerUsers(input: [{ username: "newbie", nickname: "New" }]) { created { username } } }');
    for (const live of lives) {
      await expect.poll(() => live.results.length).toBe(2);
      // A private field of another user is denied below the root, as in any query; the live query goes on.
      expect(live.results[1]).toMatchObject({
        data: { user: { nickname: 'New', offlineMessageCount: null } },
        errors: [{ extensions: { code: 'FORBIDDEN' } }],
      });
      expect(live.completed).toBe(false);
    }
    // The self rule read who each viewer is: one shape each from now on.
    expect(server.liveQueries.stats()).toMatchObject({ queries: 2, shapes: 2 });
  });
});
