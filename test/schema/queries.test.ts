import { describe, expect, it } from 'vitest';
import { postGraphQL, startGateway } from '../helpers/gateway.js';

const gateway = () => startGateway({ AGORA_RETRY_UNIT_MS: '5' });

describe('queries over the demo data', () => {
  it('walks from a user to contacts, groups, rooms, threads and mute', async () => {
    const { graphqlUrl } = await gateway();
    const res = await postGraphQL(
      graphqlUrl,
      /* GraphQL */ `
        {
          viewer { username }
          user(username: "alice") {
            username
            nickname
            activated
            online
            contacts { username }
            joinedGroups(first: 5) { edges { node { name owner { username } memberCount } } pageInfo { hasNextPage } }
            joinedRooms(first: 5) { edges { node { name attributes } } }
            threads(first: 5) { edges { node { name group { name } members(first: 5) { edges { node { username } } } } } }
            mute { oneToOne groups rooms }
          }
        }
      `,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({
      viewer: null,
      user: {
        username: 'alice',
        nickname: 'Alice Martin',
        activated: true,
        online: true,
        contacts: [{ username: 'bob' }, { username: 'carol' }],
        joinedGroups: { edges: [{ node: { name: 'Product team', owner: { username: 'alice' }, memberCount: 4 } }], pageInfo: { hasNextPage: false } },
        joinedRooms: { edges: [{ node: { name: 'Town hall', attributes: { topic: 'Q3 planning', host: 'dave' } } }] },
        threads: { edges: [{ node: { name: 'Release checklist', group: { name: 'Product team' }, members: { edges: [{ node: { username: 'alice' } }, { node: { username: 'bob' } }] } } }] },
        mute: { oneToOne: 0, groups: 0, rooms: 0 },
      },
    });
  });

  it('pages users with Relay cursors to the end', async () => {
    const { graphqlUrl } = await gateway();
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await postGraphQL(graphqlUrl, 'query($after: String) { users(first: 2, after: $after) { edges { node { username } } pageInfo { hasNextPage endCursor } } }', { after });
      const users = res.body.data?.users as { edges: { node: { username: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      names.push(...users.edges.map((e) => e.node.username));
      if (!users.pageInfo.hasNextPage) break;
      after = users.pageInfo.endCursor;
    }
    expect(names).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  it('resolves users, groups and rooms by global id (node, nodes)', async () => {
    const { graphqlUrl } = await gateway();
    const ids = await postGraphQL(graphqlUrl, '{ user(username: "bob") { id } groups(first: 1) { edges { node { id } } } rooms(first: 1) { edges { node { id } } } }');
    const data = ids.body.data as { user: { id: string }; groups: { edges: { node: { id: string } }[] }; rooms: { edges: { node: { id: string } }[] } };
    const res = await postGraphQL(graphqlUrl, 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { username } ... on Group { name } ... on Room { name } } }', {
      ids: [data.user.id, data.groups.edges[0]!.node.id, data.rooms.edges[0]!.node.id],
    });
    expect(res.body.data).toEqual({ nodes: [{ __typename: 'User', username: 'bob' }, { __typename: 'Group', name: 'Product team' }, { __typename: 'Room', name: 'Town hall' }] });
  });

  it('reads Signaling channel history and the Chat hourly archive', async () => {
    const { graphqlUrl } = await gateway();
    const now = Date.now();
    const history = await postGraphQL(
      graphqlUrl,
      'query($start: DateTime!, $end: DateTime!) { channelHistory(destination: "lobby", startTime: $start, endTime: $end) { from to kind payload sentAt } }',
      { start: new Date(now - 3600_000).toISOString(), end: new Date(now + 60_000).toISOString() },
    );
    expect(history.body.data).toEqual({ channelHistory: [{ from: 'alice', to: 'lobby', kind: 'CHANNEL', payload: 'Welcome to the lobby!', sentAt: expect.any(String) }] });
    const hours = [new Date(now), new Date(now - 3600_000)];
    let archived = 0;
    for (const hour of hours) {
      const res = await postGraphQL(graphqlUrl, 'query($hour: DateTime!) { chatHistory(hour: $hour) { messageId from conversation bodies } }', { hour: hour.toISOString() });
      archived += ((res.body.data?.chatHistory as unknown[] | undefined) ?? []).length;
    }
    expect(archived).toBe(6);
    const badLimit = await postGraphQL(graphqlUrl, '{ channelHistory(destination: "lobby", startTime: "2026-01-01T00:00:00Z", endTime: "2026-01-02T00:00:00Z", limit: 30) { payload } }');
    expect(badLimit.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
  });
});
