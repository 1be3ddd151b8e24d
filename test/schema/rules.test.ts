import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGatewayRunner, startInProcessRunner, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';

const codeOf = (res: Awaited<ReturnType<typeof postGraphQL>>) => res.body.errors?.[0]?.extensions?.code ?? (res.body.data ? 'ok' : 'none');

/**
 * The demo group: alice owns it, bob administers it, carol and dave are members. Rules of queries and
 * mutations run in process; rules of subscriptions hold a port for the WebSocket and a running poller.
 */
async function setup(tier: 'in-process' | 'port' = 'port') {
  const runner = tier === 'in-process' ? await startInProcessRunner() : await startGatewayRunner({ EVENT_POLL_INTERVAL_MS: '20' });
  const { user } = await runner.run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
    '{ user(username: "alice") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
  );
  const groupId = user.joinedGroups.edges[0]!.node.groupId;
  const as = async (username: string, roles: ('user' | 'moderator' | 'admin')[] = ['user']) => {
    const token = await tokenFor(username, roles);
    return (query: string) => postGraphQL(runner.graphqlUrl, query, undefined, { token });
  };
  return { ...runner, groupId, as };
}

describe('the rules, run as real viewers', () => {
  it('owners and admins of a group manage it (read from Agora, not the token); members and strangers do not; no denied change reaches Agora', async () => {
    const { groupId, as, control } = await setup('in-process');
    const [alice, bob, carol, erin] = [await as('alice'), await as('bob'), await as('carol'), await as('erin')];
    const rename = (name: string) => `mutation { updateGroup(input: { groupId: "${groupId}", name: "${name}" }) { name } }`;
    const add = (who: string) => `mutation { addGroupMembers(groupId: "${groupId}", usernames: ["${who}"]) { __typename } }`;
    await control.clearCalls();
    expect(codeOf(await carol(rename('by carol')))).toBe('FORBIDDEN');
    expect(codeOf(await erin(add('erin')))).toBe('FORBIDDEN');
    expect(codeOf(await bob(`mutation { deleteGroup(groupId: "${groupId}") }`))).toBe('FORBIDDEN');
    expect(codeOf(await bob(`mutation { addGroupAdmin(groupId: "${groupId}", username: "carol") { __typename } }`))).toBe('FORBIDDEN');
    const calls = await control.calls();
    for (const change of ['chat.groups.update', 'chat.groups.addMembers', 'chat.groups.addMember', 'chat.groups.delete', 'chat.groups.addAdmin'])
      expect(calls[change], change).toBeUndefined();
    // The owner and an admin may.
    expect(codeOf(await alice(rename('Renamed by alice')))).toBe('ok');
    expect(codeOf(await bob(add('erin')))).toBe('ok');
    // A user creates groups they own, not groups owned by someone else.
    expect(codeOf(await alice('mutation { createGroup(input: { name: "Mine", owner: "alice" }) { groupId } }'))).toBe('ok');
    expect(codeOf(await alice('mutation { createGroup(input: { name: "Yours", owner: "bob" }) { groupId } }'))).toBe('FORBIDDEN');
  });

  it("users follow their own events and their contacts' presence; moderators anyone's", async () => {
    const { graphqlUrl, server } = await setup();
    const active = async () => (await server.metrics.registry.getSingleMetric('graphql_subscriptions_active')!.get()).values[0]?.value ?? 0;
    /** 'ok' once the gateway holds the subscription live, else the code it was refused with. */
    const subscribeAs = async (username: string, query: string, roles: ('user' | 'moderator')[] = ['user']) => {
      const before = await active();
      const live = subscribe(wsClient(graphqlUrl, { token: await tokenFor(username, roles) }), 'x', query);
      const refusal = () => (live.error ?? live.results[0]?.errors) as { extensions?: { code?: string } }[] | undefined;
      await expect.poll(async () => refusal() !== undefined || (await active()) > before).toBe(true);
      return refusal()?.[0]?.extensions?.code ?? 'ok';
    };
    expect(await subscribeAs('alice', 'subscription { userEvents(usernames: ["alice"]) { type } }')).toBe('ok');
    expect(await subscribeAs('alice', 'subscription { userEvents(usernames: ["bob"]) { type } }')).toBe('FORBIDDEN');
    expect(await subscribeAs('alice', 'subscription { userEvents { type } }')).toBe('FORBIDDEN');
    expect(await subscribeAs('mod', 'subscription { userEvents { type } }', ['moderator'])).toBe('ok');
    // alice's contacts are bob and carol (the demo data); dave is not one.
    expect(await subscribeAs('alice', 'subscription { presenceChanged(usernames: ["alice", "bob"]) { online } }')).toBe('ok');
    expect(await subscribeAs('alice', 'subscription { presenceChanged(usernames: ["erin"]) { online } }')).toBe('FORBIDDEN');
    expect(await subscribeAs('alice', 'subscription { channelEvents { type } }')).toBe('FORBIDDEN');
  });

  it('a member removed from a group stops receiving its events: authorization is checked again at every event', async () => {
    const { graphqlUrl, groupId, as, server } = await setup();
    const query = `subscription { groupChanged(groupId: "${groupId}") { change users { username } } }`;
    const dave = subscribe<{ change: string }>(wsClient(graphqlUrl, { token: await tokenFor('dave') }), 'groupChanged', query);
    const carol = subscribe<{ change: string }>(wsClient(graphqlUrl, { token: await tokenFor('carol') }), 'groupChanged', query);
    const strangerResult = subscribe(wsClient(graphqlUrl, { token: await tokenFor('erin') }), 'groupChanged', query);
    await expect
      .poll(() => strangerResult.error ?? strangerResult.results[0]?.errors)
      .toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    await activeSubscriptions(server, 2);
    const alice = await as('alice');
    expect(codeOf(await alice(`mutation { updateGroup(input: { groupId: "${groupId}", description: "v2" }) { name } }`))).toBe('ok');
    await dave.waitFor(1);
    expect(codeOf(await alice(`mutation { removeGroupMembers(groupId: "${groupId}", usernames: ["dave"]) { username removed } }`))).toBe('ok');
    // carol sees the removal; dave's subscription ends, saying why.
    expect((await carol.waitFor(2)).map((e) => e.change)).toEqual(['UPDATED', 'MEMBERS_REMOVED']);
    await expect.poll(() => dave.completed).toBe(true);
    expect(dave.events().map((e) => e.change)).toEqual(['UPDATED']);
    expect(dave.results.at(-1)?.errors?.[0]).toMatchObject({ message: expect.stringMatching(/no longer a member/), extensions: { code: 'FORBIDDEN' } });
  });

  it('a user who is no longer a contact stops being watchable: presence rights are read again at every event', async () => {
    const runner = await startGatewayRunner({ EVENT_POLL_INTERVAL_MS: '20', PRESENCE_POLL_INTERVAL_MS: '50' });
    const { graphqlUrl, control, server } = runner;
    const alice = await tokenFor('alice');
    const watch = subscribe<{ online: boolean; ext: string }>(
      wsClient(graphqlUrl, { token: alice }),
      'presenceChanged',
      'subscription { presenceChanged(usernames: ["bob"]) { online ext } }',
    );
    await activeSubscriptions(server, 1);
    const reads = await control.callCount('chat.presence.getMany');
    await expect.poll(() => control.callCount('chat.presence.getMany')).toBeGreaterThan(reads);
    await control.chat.setPresence('bob', { status: '1', ext: 'here' });
    await watch.waitFor(1);
    // alice drops bob from her contacts; his next change is no longer hers to see.
    expect((await postGraphQL(graphqlUrl, 'mutation { removeContact(owner: "alice", user: "bob") }', undefined, { token: alice })).body.errors).toBeUndefined();
    await control.chat.setPresence('bob', { status: '1', ext: 'gone fishing' });
    await expect.poll(() => watch.completed).toBe(true);
    expect(watch.events()).toEqual([{ online: true, ext: 'here' }]);
    expect(watch.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('users follow the Signaling channels they are in, as the poller saw them join, until they leave', async () => {
    const { graphqlUrl, control, server } = await setup();
    await control.signaling.login('alice');
    await control.signaling.join('alice', 'den');
    await expect.poll(() => server.events.channels.isIn('alice', 'den')).toBe(true);
    const query = 'subscription { channelEvents(channels: ["den"]) { type user { username } } }';
    const alice = subscribe<{ type: string; user: { username: string } }>(wsClient(graphqlUrl, { token: await tokenFor('alice') }), 'channelEvents', query);
    const bob = subscribe(wsClient(graphqlUrl, { token: await tokenFor('bob') }), 'channelEvents', query);
    await expect
      .poll(() => bob.error ?? bob.results[0]?.errors)
      .toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    await activeSubscriptions(server, 1);
    await control.signaling.login('bob');
    await control.signaling.join('bob', 'den');
    expect(await alice.waitFor(1)).toEqual([{ type: 'JOIN', user: { username: 'bob' } }]);
    await control.signaling.leave('alice', 'den');
    await expect.poll(() => alice.completed).toBe(true);
    expect(alice.results.at(-1)?.errors?.[0]).toMatchObject({ message: expect.stringMatching(/no longer in/), extensions: { code: 'FORBIDDEN' } });
  });
});
