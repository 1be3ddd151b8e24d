import { describe, expect, it } from 'vitest';
import { agoraEnvironment, startEmulator } from '../helpers/agora.ts';
import { authHeaders, TEST_API_KEY_HASH, tokenFor } from '../helpers/auth.ts';
import { postChatCallback } from '../helpers/chat.ts';
import { postGraphQL, startGateway, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';
import { startRedis } from '../helpers/redis.ts';

const SHARED = { SHARED_READS: 'on', SHARED_READS_WINDOW_MS: '20', CACHE_TTL_USER_MS: '1000', CACHE_TTL_ONLINE_MS: '1000', CACHE_TTL_COLLECTIVE_MS: '60000' };

interface Cost {
  actual: number;
  cacheHits: number;
  coalesced: number;
}

describe('shared reads', () => {
  it('50 concurrent identical queries make 1 upstream call, and each request says how it was answered', async () => {
    // Kept for a minute: 50 requests on a loaded machine (an idle-class worker beside the load test) can
    // take longer than a second to all arrive, and one arriving after a short maximum age reads again.
    const { graphqlUrl, control } = await startGatewayRunner({ ...SHARED, CACHE_TTL_USER_MS: '60000' });
    await control.clearCalls();
    await control.addFault({ route: 'chat.users.get', delayMs: 100 });
    const answers = await Promise.all(Array.from({ length: 50 }, () => postGraphQL(graphqlUrl, '{ user(username: "alice") { nickname } }')));
    expect(answers.every((a) => (a.body.data as { user: { nickname: string } }).user.nickname === 'Alice Martin')).toBe(true);
    expect(await control.callCount('chat.users.get')).toBe(1);
    const costs = answers.map((a) => a.body.extensions?.cost as Cost);
    expect(costs.reduce((n, c) => n + c.actual, 0)).toBe(1);
    expect(costs.reduce((n, c) => n + c.coalesced + c.cacheHits, 0)).toBe(49);
    // And /metrics counts them.
    const metrics = await (await fetch(graphqlUrl.replace('/graphql', '/metrics'))).text();
    const counted = ['shared_reads_cache_hits_total', 'shared_reads_coalesced_total'].reduce(
      (n, name) => n + Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? 0),
      0,
    );
    expect(counted).toBe(49);
  });

  it('the online status of 50 users asked by 50 requests at once is 1 batch call', async () => {
    // A window wide enough for 50 requests sent at once to arrive in it, on a loaded CI machine too (the default is a few ms).
    const { graphqlUrl, control, chat } = await startGatewayRunner({ ...SHARED, SHARED_READS_WINDOW_MS: '1000', LIMIT_MAX_ALIASES: '50' });
    const names = Array.from({ length: 50 }, (_, i) => `shared${i}`);
    await chat.users.registerMany(names.map((username) => ({ username })));
    // Each `user` root first reads the user (one call per user: Agora has no batch read): read them once,
    // so that the 50 requests below ask for online status together, as 50 page views would.
    await postGraphQL(graphqlUrl, `{ ${names.map((u, i) => `u${i}: user(username: "${u}") { nickname }`).join(' ')} }`);
    await control.clearCalls();
    const answers = await Promise.all(names.map((u) => postGraphQL(graphqlUrl, `{ onlineStatusOf: user(username: "${u}") { online } }`)));
    expect(answers.every((a) => a.body.errors === undefined)).toBe(true);
    expect(await control.callCount('chat.users.batchStatus')).toBe(1);
  });

  it('a cached group is refreshed at once after addGroupMembers through the gateway, and after a callback event', async () => {
    const { graphqlUrl, run, control } = await startGatewayRunner({ ...SHARED, CHAT_CALLBACK_SECRETS: 'rule-secret' });
    const { user } = await run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
      '{ user(username: "alice") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
    );
    const groupId = user.joinedGroups.edges[0]!.node.groupId;
    const count = async () => (await run<{ group: { memberCount: number } }>(`{ group(groupId: "${groupId}") { memberCount } }`)).group.memberCount;
    const before = await count();
    await control.clearCalls();
    expect(await count()).toBe(before);
    // Served from the cache: no call.
    expect(await control.callCount('chat.groups.details')).toBe(0);
    const members = async () =>
      (
        await run<{ group: { members: { edges: { node: { username: string } }[] } } }>(
          `{ group(groupId: "${groupId}") { members(first: 50) { edges { node { username } } } } }`,
        )
      ).group.members.edges.map((e) => e.node.username);
    expect(await members()).not.toContain('erin');
    await control.clearCalls();
    await members();
    // The member page too is served from the cache.
    expect(await control.callCount('chat.groups.members')).toBe(0);
    await run(`mutation { addGroupMembers(groupId: "${groupId}", usernames: ["erin"]) { __typename } }`);
    await expect.poll(count).toBe(before + 1);
    expect(await members()).toContain('erin');
    // Cached again; then Agora's callback says someone left the group outside the gateway: read again at once.
    await count();
    await control.clearCalls();
    await count();
    expect(await control.callCount('chat.groups.details')).toBe(0);
    const muc = {
      callId: 'org#app_leave1',
      timestamp: Date.now(),
      chat_type: 'muc',
      from: 'erin',
      payload: { muc_id: `org#app_${groupId}@conference.easemob.com`, operation: 'leave', is_chatroom: false },
    };
    expect(await postChatCallback(graphqlUrl, 'rule-secret', muc)).toBe(200);
    await expect.poll(async () => (await count(), control.callCount('chat.groups.details'))).toBeGreaterThan(0);
  });

  it('never serves a value older than its maximum age, and a request that asks for fresh data reaches Agora', async () => {
    const { graphqlUrl, control } = await startGatewayRunner({ ...SHARED, CACHE_TTL_USER_MS: '1500' });
    const read = (headers: Record<string, string> = {}) =>
      fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authHeaders(graphqlUrl), ...headers },
        body: JSON.stringify({ query: '{ user(username: "bob") { nickname } }' }),
      }).then((r) => r.json() as Promise<{ extensions: { cost: Cost } }>);
    await read();
    await control.clearCalls();
    expect((await read()).extensions.cost).toMatchObject({ actual: 0, cacheHits: 1 });
    expect((await read({ 'x-graphql-fresh': '1' })).extensions.cost).toMatchObject({ actual: 1, cacheHits: 0 });
    expect((await read({ 'cache-control': 'no-cache' })).extensions.cost).toMatchObject({ actual: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await read()).extensions.cost).toMatchObject({ actual: 1, cacheHits: 0 });
    expect(await control.callCount('chat.users.get')).toBe(3);
  });

  it("never shares a viewer's private lists: alice's contacts are read for alice, and bob is refused them", async () => {
    const { graphqlUrl, control } = await startGatewayRunner(SHARED);
    const [alice, bob] = [await tokenFor('alice'), await tokenFor('bob')];
    const contacts = '{ user(username: "alice") { contacts { username } } }';
    const mine = await postGraphQL(graphqlUrl, contacts, undefined, { token: alice });
    expect(mine.body.data).toEqual({ user: { contacts: [{ username: 'bob' }, { username: 'carol' }] } });
    await control.clearCalls();
    const theirs = await postGraphQL(graphqlUrl, contacts, undefined, { token: bob });
    expect(theirs.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await control.callCount('chat.contacts.list')).toBe(0);
    // Asked again by alice, it is read again: contacts are never in the shared cache.
    await postGraphQL(graphqlUrl, contacts, undefined, { token: alice });
    expect(await control.callCount('chat.contacts.list')).toBe(1);
  });
});

describe('shared reads across instances and pollers', () => {
  it('with Redis, what one instance read serves the other, and a change through either drops it for both', async () => {
    const redis = await startRedis();
    const { emulator, control } = await startEmulator();
    emulator.state.chat.addUser('zoe', { nickname: 'Zoe' });
    const env = { ...SHARED, CACHE_TTL_USER_MS: '60000', ...agoraEnvironment(emulator), REDIS_URL: redis.url, AUTH_API_KEY_HASHES: TEST_API_KEY_HASH };
    const [a, b] = [await startGateway(env), await startGateway(env)];
    const nickname = async (url: string) =>
      ((await postGraphQL(url, '{ user(username: "zoe") { nickname } }')).body.data as { user: { nickname: string } }).user.nickname;
    expect(await nickname(a.graphqlUrl)).toBe('Zoe');
    await control.clearCalls();
    expect(await nickname(b.graphqlUrl)).toBe('Zoe');
    expect(await control.callCount('chat.users.get')).toBe(0);
    // A change through b: a drops its copy too (the event reaches both; the cache is one).
    expect(
      (await postGraphQL(b.graphqlUrl, 'mutation { setPushSettings(input: { username: "zoe", nickname: "Zo" }) { username } }')).body.errors,
    ).toBeUndefined();
    await expect.poll(() => nickname(a.graphqlUrl)).not.toBe('Zoe');
  });

  it("a presence watcher's event drops a cached online status at once", async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner({ ...SHARED, CACHE_TTL_ONLINE_MS: '60000', PRESENCE_POLL_INTERVAL_MS: '50' });
    const online = async () => ((await postGraphQL(graphqlUrl, '{ user(username: "bob") { online } }')).body.data as { user: { online: boolean } }).user.online;
    const watch = subscribe(wsClient(graphqlUrl), 'presenceChanged', 'subscription { presenceChanged(usernames: ["bob"]) { online } }');
    await activeSubscriptions(server, 1);
    const reads = await control.callCount('chat.presence.getMany');
    await expect.poll(() => control.callCount('chat.presence.getMany')).toBeGreaterThan(reads);
    const before = await online();
    await control.clearCalls();
    expect(await online()).toBe(before);
    expect(await control.callCount('chat.users.batchStatus')).toBe(0);
    await control.chat.setPresence('bob', { status: '1', ext: 'in a meeting' });
    await watch.waitFor(1);
    // The watcher's event dropped bob's cached status: the next read asks Agora.
    await expect.poll(async () => (await online(), control.callCount('chat.users.batchStatus'))).toBeGreaterThan(0);
  });
});
