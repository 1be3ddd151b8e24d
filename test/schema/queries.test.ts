import { describe, expect, it } from 'vitest';
import { postGraphQL, startInProcessGateway } from '../helpers/gateway.ts';

const gateway = () => startInProcessGateway({ AGORA_RETRY_UNIT_MS: '5' });

describe('queries over the demo data', () => {
  it('walks from a user to contacts, groups, rooms, threads and mute', async () => {
    const { graphqlUrl } = await gateway();
    const res = await postGraphQL(
      graphqlUrl,
      /* GraphQL */ `
        {
          viewer {
            username
          }
          user(username: "alice") {
            username
            nickname
            activated
            online
            contacts {
              username
            }
            joinedGroups(first: 5) {
              edges {
                node {
                  name
                  owner {
                    username
                  }
                  memberCount
                }
              }
              pageInfo {
                hasNextPage
              }
            }
            joinedRooms(first: 5) {
              edges {
                node {
                  name
                  attributes
                }
              }
            }
            threads(first: 5) {
              edges {
                node {
                  name
                  group {
                    name
                  }
                  members(first: 5) {
                    edges {
                      node {
                        username
                      }
                    }
                  }
                }
              }
            }
            mute {
              oneToOne
              groups
              rooms
            }
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
        threads: {
          edges: [
            {
              node: {
                name: 'Release checklist',
                group: { name: 'Product team' },
                members: { edges: [{ node: { username: 'alice' } }, { node: { username: 'bob' } }] },
              },
            },
          ],
        },
        mute: { oneToOne: 0, groups: 0, rooms: 0 },
      },
    });
  });

  it('pages users with Relay cursors to the end', async () => {
    const { graphqlUrl } = await gateway();
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await postGraphQL(
        graphqlUrl,
        'query($after: String) { users(first: 2, after: $after) { edges { node { username } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const users = res.body.data?.users as { edges: { node: { username: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      names.push(...users.edges.map((e) => e.node.username));
      if (!users.pageInfo.hasNextPage) break;
      after = users.pageInfo.endCursor;
    }
    expect(names).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  it('resolves users, groups and rooms by global id (node, nodes)', async () => {
    const { graphqlUrl } = await gateway();
    const ids = await postGraphQL(
      graphqlUrl,
      '{ user(username: "bob") { id } groups(first: 1) { edges { node { id } } } rooms(first: 1) { edges { node { id } } } }',
    );
    const data = ids.body.data as { user: { id: string }; groups: { edges: { node: { id: string } }[] }; rooms: { edges: { node: { id: string } }[] } };
    const res = await postGraphQL(
      graphqlUrl,
      'query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { username } ... on Group { name } ... on Room { name } } }',
      {
        ids: [data.user.id, data.groups.edges[0]!.node.id, data.rooms.edges[0]!.node.id],
      },
    );
    expect(res.body.data).toEqual({
      nodes: [
        { __typename: 'User', username: 'bob' },
        { __typename: 'Group', name: 'Product team' },
        { __typename: 'Room', name: 'Town hall' },
      ],
    });
  });

  it('reads Signaling channel history and the Chat hourly archive', async () => {
    const { graphqlUrl } = await gateway();
    const now = Date.now();
    const history = await postGraphQL(
      graphqlUrl,
      'query($start: DateTime!, $end: DateTime!) { channelHistory(destination: "lobby", startTime: $start, endTime: $end, first: 10) { edges { node { from to kind payload sentAt } } pageInfo { hasNextPage } } }',
      { start: new Date(now - 3600_000).toISOString(), end: new Date(now + 60_000).toISOString() },
    );
    expect(history.body.data).toEqual({
      channelHistory: {
        edges: [{ node: { from: 'alice', to: 'lobby', kind: 'CHANNEL', payload: 'Welcome to the lobby!', sentAt: expect.any(String) } }],
        pageInfo: { hasNextPage: false },
      },
    });
    expect(history.body.extensions?.cost).toMatchObject({ predicted: 2, estimated: true });
    const hours = [new Date(now), new Date(now - 3600_000)];
    const archived: Record<string, unknown>[] = [];
    for (const hour of hours) {
      const res = await postGraphQL(
        graphqlUrl,
        /* GraphQL */ `
          query ($hour: DateTime!) {
            chatHistory(hour: $hour) {
              messageId
              sender {
                username
              }
              target {
                __typename
                ... on User {
                  username
                }
                ... on Group {
                  name
                }
                ... on Room {
                  name
                }
              }
              body {
                __typename
                ... on TextBody {
                  text
                }
                ... on ImageBody {
                  url
                  width
                  height
                }
              }
              reactions(as: "bob") {
                reaction
                count
              }
            }
          }
        `,
        { hour: hour.toISOString() },
      );
      archived.push(...((res.body.data?.chatHistory as Record<string, unknown>[] | undefined) ?? []));
    }
    expect(archived).toHaveLength(6);
    expect(archived).toContainEqual({
      messageId: expect.any(String),
      sender: { username: 'alice' },
      target: { __typename: 'Group', name: 'Product team' },
      body: { __typename: 'TextBody', text: 'The release is on Thursday.' },
      reactions: [{ reaction: 'thumbs_up', count: 2 }],
    });
    expect(archived).toContainEqual(
      expect.objectContaining({ target: { __typename: 'User', username: 'bob' }, body: { __typename: 'TextBody', text: 'Lunch at noon?' } }),
    );
    expect(archived).toContainEqual(
      expect.objectContaining({ body: { __typename: 'ImageBody', url: 'https://cdn.example.com/mockup.png', width: 1280, height: 720 } }),
    );
    const badDestination = await postGraphQL(
      graphqlUrl,
      '{ channelHistory(destination: "lob/by", startTime: "2026-01-01T00:00:00Z", endTime: "2026-01-02T00:00:00Z") { edges { node { payload } } } }',
    );
    expect(badDestination.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'destination' });
  });
});

describe('pagination through GraphQL', () => {
  it('pages 250 group members to the end, 100 at a time, with no repeats', async () => {
    const { graphqlUrl, server } = await gateway();
    const chat = server.agora.chat!;
    const names = Array.from({ length: 249 }, (_, i) => `m${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 60) await chat.users.registerMany(names.slice(i, i + 60).map((username) => ({ username })));
    const id = await chat.groups.create({ name: 'Crowd', owner: 'alice', members: names, maxUsers: 500 });
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await postGraphQL(
        graphqlUrl,
        'query($id: String!, $after: String) { group(groupId: $id) { members(first: 100, after: $after) { edges { node { username } } pageInfo { hasNextPage endCursor } } } }',
        { id, after },
      );
      const members = (res.body.data?.group as { members: { edges: { node: { username: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } })
        .members;
      seen.push(...members.edges.map((e) => e.node.username));
      pages++;
      if (!members.pageInfo.hasNextPage) break;
      after = members.pageInfo.endCursor;
    }
    expect(seen).toEqual(['alice', ...names]);
    expect(pages).toBe(3);
  });

  it('finds a thread by id', async () => {
    const { graphqlUrl, server } = await gateway();
    const [thread] = (await server.agora.chat!.threads.list()).items;
    const res = await postGraphQL(graphqlUrl, 'query($id: String!) { thread(threadId: $id) { name } missing: thread(threadId: "1") { name } }', {
      id: thread!.id,
    });
    expect(res.body.data).toEqual({ thread: { name: 'Release checklist' }, missing: null });
  });
});
