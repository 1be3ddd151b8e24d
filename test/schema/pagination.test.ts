import { getNamedType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { schema } from '../../src/schema/index.ts';
import { postGraphQL, startInProcessRunner } from '../helpers/gateway.ts';

/**
 * Every connection of the schema, paged forwards and backwards. Lists over Agora's numbered pages must
 * answer `last`, `before`, `first` + `last` and `after` + `before` exactly as the Relay cursor connections
 * specification says, checked against the same list fetched whole; lists over Agora's forward cursors
 * must refuse `last` and `before` by name, before any upstream call.
 */

interface Edge {
  cursor: string;
  key: string;
}
interface Page {
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean };
}
type Args = { first?: number; last?: number; after?: string; before?: string };

/** How to reach one connection: a query with `ARGS` where its arguments go, and the path to it. */
interface Probe {
  query: string;
  path: string[];
  /** The field of a node that identifies it. */
  key: string;
  /** Who asks (a user's own list), when not the helpers' admin. */
  as?: string;
}

function probe(query: string, path: string, key = 'username', as?: string): Probe {
  return { query, path: path.split('.'), key, ...(as ? { as } : {}) };
}

/** The data each probe reads is made in `seed` below. */
function probes(ids: {
  group: string;
  room: string;
  thread: string;
  messageId: string;
  demoGroup: string;
  conversation: string;
}): Record<string, { kind: 'numbered' | 'forwards'; probe: Probe }> {
  const numbered = (p: Probe) => ({ kind: 'numbered' as const, probe: p });
  const forwards = (p: Probe) => ({ kind: 'forwards' as const, probe: p });
  const sel = (key: string) => `edges { cursor node { ${key} } } pageInfo { hasNextPage hasPreviousPage }`;
  const hour = (ms: number) => new Date(ms).toISOString();
  return {
    'Group.members': numbered(probe(`{ group(groupId: "${ids.group}") { members(ARGS) { ${sel('username')} } } }`, 'group.members')),
    'Room.members': numbered(probe(`{ room(roomId: "${ids.room}") { members(ARGS) { ${sel('username')} } } }`, 'room.members')),
    'User.joinedGroups': numbered(probe(`{ user(username: "pager") { joinedGroups(ARGS) { ${sel('groupId')} } } }`, 'user.joinedGroups', 'groupId')),
    'User.joinedRooms': numbered(probe(`{ user(username: "pager") { joinedRooms(ARGS) { ${sel('roomId')} } } }`, 'user.joinedRooms', 'roomId')),
    'User.presenceSubscriptions': numbered(
      probe(`{ user(username: "pager") { presenceSubscriptions(ARGS) { ${sel('username')} } } }`, 'user.presenceSubscriptions'),
    ),
    'Query.mutes': numbered(probe(`{ mutes(ARGS) { edges { cursor node { user { username } } } pageInfo { hasNextPage hasPreviousPage } } }`, 'mutes', 'user')),
    'Query.channelHistory': numbered(
      probe(
        `{ channelHistory(destination: "paging", startTime: "${hour(Date.now() - 3_600_000)}", endTime: "${hour(Date.now() + 60_000)}", ARGS) { ${sel('payload')} } }`,
        'channelHistory',
        'payload',
      ),
    ),
    'Query.users': forwards(probe(`{ users(ARGS) { ${sel('username')} } }`, 'users')),
    'Query.groups': forwards(probe(`{ groups(ARGS) { ${sel('groupId')} } }`, 'groups', 'groupId')),
    'Query.rooms': forwards(probe(`{ rooms(ARGS) { ${sel('roomId')} } }`, 'rooms', 'roomId')),
    'Query.threads': forwards(probe(`{ threads(ARGS) { ${sel('threadId')} } }`, 'threads', 'threadId')),
    'Query.pushLabels': forwards(probe(`{ pushLabels(ARGS) { ${sel('name')} } }`, 'pushLabels', 'name')),
    'Query.reactionUsers': forwards(
      probe(`{ reactionUsers(username: "bob", messageId: "${ids.messageId}", reaction: "thumbs_up", ARGS) { ${sel('username')} } }`, 'reactionUsers'),
    ),
    'User.threads': forwards(probe(`{ user(username: "alice") { threads(ARGS) { ${sel('threadId')} } } }`, 'user.threads', 'threadId')),
    'Group.threads': forwards(
      probe(`{ group(groupId: "${ids.demoGroup}") { threads(member: "alice", ARGS) { ${sel('threadId')} } } }`, 'group.threads', 'threadId'),
    ),
    'Thread.members': forwards(probe(`{ thread(threadId: "${ids.thread}") { members(ARGS) { ${sel('username')} } } }`, 'thread.members')),
    'Conversation.messages': numbered(
      probe(`{ node(id: "${ids.conversation}") { ... on Conversation { messages(ARGS) { ${sel('messageId')} } } } }`, 'node.messages', 'messageId'),
    ),
    'Query.conversations': forwards(probe(`{ conversations(ARGS) { ${sel('id')} } }`, 'conversations', 'id', 'pager')),
    'User.conversations': forwards(probe(`{ user(username: "pager") { conversations(ARGS) { ${sel('id')} } } }`, 'user.conversations', 'id')),
    'PushLabelListing.users': forwards(
      probe(`{ pushLabels(first: 1) { edges { node { users(ARGS) { ${sel('username')} } } } } }`, 'pushLabels.edges.0.node.users'),
    ),
  };
}

/** Every field of the schema whose type is a connection. */
function connectionFields(): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (/Connection$/.test(getNamedType(field.type).name)) out.push(`${type.name}.${field.name}`);
    }
  }
  return out.sort();
}

/** What the Relay specification answers for `args` over the whole list (our default `first` is 20). */
function expected(all: Edge[], args: Args) {
  const at = (cursor: string) => all.findIndex((e) => e.cursor === cursor);
  let window = all;
  if (args.after !== undefined) window = window.slice(at(args.after) + 1);
  if (args.before !== undefined)
    window = window.slice(
      0,
      Math.max(
        0,
        window.findIndex((e) => e.cursor === args.before),
      ),
    );
  const first = args.first ?? (args.last === undefined ? 20 : undefined);
  let edges = window;
  if (first !== undefined) edges = edges.slice(0, first);
  if (args.last !== undefined) edges = edges.slice(Math.max(0, edges.length - args.last));
  return {
    keys: edges.map((e) => e.key),
    cursors: edges.map((e) => e.cursor),
    // Where the specification leaves it to the server ("may"), the gateway says what it knows cheaply.
    hasNextPage: first !== undefined ? window.length > first : args.before !== undefined,
    hasPreviousPage: args.last !== undefined ? window.length > args.last : args.after !== undefined,
  };
}

const argsText = (args: Args) =>
  Object.entries(args)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');

describe('connections', () => {
  it('the table below names every connection field of the schema', async () => {
    const table = probes({ group: '1', room: '1', thread: '1', messageId: '1', demoGroup: '1', conversation: '1' });
    expect(Object.keys(table).sort()).toEqual(connectionFields());
  });

  it(
    'page both ways over numbered pages as the Relay specification says, and refuse `last`/`before` by name over forward cursors',
    { timeout: 90_000 },
    async () => {
      const { server, chat, graphqlUrl, control } = await startInProcessRunner();
      const state = server.emulator!.state;
      // History pages are ready at once: the test is about paging, and history reads are limited to 10/s.
      await control.updateSettings({ historyReadyDelayMs: 0 });
      const ids = await seed(state, chat);
      // 12 messages between pager and pager-000 in the gateway's store, some sent in the same millisecond.
      const now = Date.now();
      await server.conversations.add(
        Array.from({ length: 12 }, (_, i) => ({
          id: `9000${String(i).padStart(2, '0')}`,
          from: i % 2 ? 'pager' : 'pager-000',
          to: i % 2 ? 'pager-000' : 'pager',
          conversation: 'user' as const,
          timestamp: now - 60_000 + Math.floor(i / 3),
          bodies: [{ type: 'txt', msg: `m${i}` }],
          ext: undefined,
        })),
      );
      const table = probes({ ...ids, conversation: Buffer.from('Conversation:user:pager:pager-000').toString('base64') });

      const read = async (p: Probe, args: Args) => {
        const res = await postGraphQL(graphqlUrl, p.query.replace('ARGS', argsText(args)), undefined, p.as ? { token: await tokenFor(p.as) } : {});
        let value: unknown = res.body.data;
        for (const step of p.path) value = (value as Record<string, unknown> | undefined)?.[step];
        return { res, page: value as Page | undefined };
      };
      const keyOf = (p: Probe, node: Record<string, unknown>) => (p.key === 'user' ? (node.user as { username: string }).username : String(node[p.key]));

      for (const [coordinate, { kind, probe: p }] of Object.entries(table)) {
        const whole = await read(p, { first: 1000 });
        expect(whole.res.body.errors, coordinate).toBeUndefined();
        const all: Edge[] = whole.page!.edges.map((e) => ({ cursor: e.cursor, key: keyOf(p, (e as unknown as { node: Record<string, unknown> }).node) }));
        expect(all.length, `${coordinate} has items to page`).toBeGreaterThanOrEqual(1);

        if (kind === 'forwards') {
          const cursor = all[0]!.cursor;
          for (const [args, refused] of [
            [{ last: 1 }, 'last'],
            [{ before: cursor }, 'before'],
            [{ first: 2, last: 1 }, 'last'],
            [{ after: cursor, before: cursor }, 'before'],
          ] as const) {
            const { res } = await read(p, args);
            const error = res.body.errors?.[0];
            expect(error?.extensions, `${coordinate}(${argsText(args)})`).toMatchObject({ code: 'BAD_USER_INPUT', field: refused });
            expect(error?.message).toMatch(/pages forwards only/);
          }
          continue;
        }

        expect(all.length, `${coordinate} needs several items to page`).toBeGreaterThanOrEqual(6);
        const n = all.length;
        const c = (i: number) => all[Math.max(0, Math.min(n - 1, i))]!.cursor;
        const cases: Args[] = [
          { last: 2 },
          { last: 0 },
          { last: n + 5 },
          { before: c(n - 1) },
          { before: c(n - 1), last: 2 },
          { before: c(1), last: 5 },
          { first: 3, last: 2 },
          { first: n, last: 1 },
          { after: c(0), before: c(n - 1) },
          { after: c(0), before: c(n - 1), first: 1 },
          { after: c(0), before: c(n - 1), last: 1 },
          { after: c(1), before: c(1) },
          { after: c(2), first: 2 },
        ];
        for (const args of cases) {
          const { res, page } = await read(p, args);
          const label = `${coordinate}(${argsText(args)}) over ${n} items`;
          expect(res.body.errors, label).toBeUndefined();
          const want = expected(all, args);
          expect(
            page!.edges.map((e) => keyOf(p, (e as unknown as { node: Record<string, unknown> }).node)),
            label,
          ).toEqual(want.keys);
          expect(
            page!.edges.map((e) => e.cursor),
            label,
          ).toEqual(want.cursors);
          expect(page!.pageInfo, label).toEqual({ hasNextPage: want.hasNextPage, hasPreviousPage: want.hasPreviousPage });
        }
      }
    },
  );

  it('refuses a negative count, and a cursor from elsewhere, naming the argument', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    for (const [args, field] of [
      ['last: -1', 'last'],
      ['first: -1', 'first'],
      ['before: "bm9wZQ"', 'before'],
      ['after: "bm9wZQ"', 'after'],
    ] as const) {
      const res = await postGraphQL(graphqlUrl, `{ user(username: "alice") { joinedGroups(${args}) { edges { cursor } } } }`);
      const errors = res.body.errors ?? [];
      expect(errors.map((e) => e.extensions)).toContainEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field }));
    }
  });
});

type EmulatorState = NonNullable<Awaited<ReturnType<typeof startInProcessRunner>>['server']['emulator']>['state'];
type Chat = Awaited<ReturnType<typeof startInProcessRunner>>['chat'];

/** Lists long enough to span several upstream pages where the page size allows it. */
async function seed(state: EmulatorState, chat: Chat) {
  const people = Array.from({ length: 230 }, (_, i) => `pager-${String(i).padStart(3, '0')}`);
  for (const u of ['pager', ...people]) state.chat.addUser(u);
  // 231 members: three pages of 100.
  const group = state.chat.addCollective('group', { name: 'Paging', owner: 'pager', members: people, maxUsers: 3000 });
  const room = state.chat.addCollective('room', { name: 'Paging room', owner: 'pager', members: people.slice(0, 12), maxUsers: 3000 });
  // 45 joined groups: three pages of 20.
  for (let i = 0; i < 45; i++) state.chat.addCollective('group', { name: `g${i}`, owner: people[i]!, members: ['pager'], maxUsers: 200 });
  for (let i = 0; i < 6; i++) state.chat.addCollective('room', { name: `r${i}`, owner: people[i]!, members: ['pager'], maxUsers: 200 });
  await chat.presence.subscribe({ username: 'pager', users: people.slice(0, 9), expirySeconds: 3600 });
  // 120 muted users: three pages of 50.
  for (const u of people.slice(0, 120)) state.chat.globalMutes.set(u, { chat: Date.now() + 3_600_000, groupchat: 0, chatroom: 0 });
  // 130 Signaling messages in one channel: two history pages of 100 (history reads are limited to 10/s).
  const now = Date.now();
  people
    .slice(0, 130)
    .forEach((u, i) => state.signaling.storeHistory({ src: u, dst: 'paging', message_type: 'channel_message', payload: `m${i}`, ms: now - 600_000 + i * 10 }));

  const [thread] = (await chat.threads.list()).items;
  const messageId = thread!.messageId!;
  const [demoGroup] = (await chat.groups.list()).items;
  return { group: group.id, room: room.id, thread: thread!.id, messageId, demoGroup: demoGroup!.id };
}
