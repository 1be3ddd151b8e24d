/**
 * Conversations, as the gateway's message store keeps them (src/conversations/store.ts): a one-to-one
 * pair, a group or a room, each a Node whose id names it, with its newest message, last activity, the
 * viewer's unread count and read horizon, and its messages paged from either end.
 *
 * Who sees what: a user their own one-to-one conversations and the groups and rooms they belong to
 * (read from Agora, as every rule does); moderators and admins any. A conversation is seen from one
 * user's side (`as`): the viewer, or, for a moderator or service reading another's, that user.
 */
import DataLoader from 'dataloader';
import { conversationKey, parseConversationKey, type Activity, type Position, type StoredMessage, type UnreadQuery } from '../../conversations/store.ts';
import { builder, type Context } from '../builder.ts';
import { Group, Room } from '../collectives/types.ts';
import { positionConnection } from '../common/pagination.ts';
import { Message } from '../messages/types.ts';
import { maySee } from './access.ts';
import { User, userOf } from '../users/types.ts';

/** A conversation as one user sees it. */
export interface ConversationSource {
  key: string;
  /** Whose conversation it is: whose unread count and read horizon it shows. */
  as: string | undefined;
  activity?: Activity | undefined;
}

const ConversationKindEnum = builder.enumType('ConversationType', {
  description: 'What a conversation is with: one other user, a group or a room.',
  values: { USER: { value: 'user' }, GROUP: { value: 'group' }, ROOM: { value: 'room' } } as const,
});

const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).at === 'number' && typeof (v as Position).id === 'string';

/**
 * The store's reads of one unit of work (a request, or one subscription event: keyed by its loaders,
 * which each event renews), batched: a page of 20 conversations asks the store a few times, not 80.
 */
interface StoreLoaders {
  activity: DataLoader<string, Activity | undefined>;
  messages: DataLoader<string, StoredMessage | undefined>;
  horizons: DataLoader<{ as: string; key: string }, number, string>;
  unread: DataLoader<UnreadQuery, number, string>;
}

const storeLoadersOf = new WeakMap<object, StoreLoaders>();

export function storeLoaders(ctx: Context): StoreLoaders {
  let loaders = storeLoadersOf.get(ctx.loaders);
  if (!loaders) {
    const store = ctx.conversations;
    loaders = {
      activity: new DataLoader(async (keys) => {
        const found = await store.activity(keys);
        return keys.map((k) => found.get(k));
      }),
      messages: new DataLoader((ids) => store.get(ids)),
      horizons: new DataLoader(
        async (asked) => {
          const byUser = new Map<string, string[]>();
          for (const { as, key } of asked) byUser.set(as, [...(byUser.get(as) ?? []), key]);
          const found = new Map(await Promise.all([...byUser].map(async ([as, keys]) => [as, await store.readHorizons(as, keys)] as const)));
          return asked.map(({ as, key }) => found.get(as)?.get(key) ?? 0);
        },
        { cacheKeyFn: ({ as, key }) => `${as}\n${key}` },
      ),
      unread: new DataLoader((queries) => store.unread(queries), { cacheKeyFn: (q) => `${q.username}\n${q.key}\n${q.since}` }),
    };
    storeLoadersOf.set(ctx.loaders, loaders);
  }
  return loaders;
}

const activityOf = async (c: ConversationSource, ctx: Context) => c.activity ?? (await storeLoaders(ctx).activity.load(c.key));

/** The viewer's read horizon in a conversation (0: nothing read). */
const horizonOf = async (c: ConversationSource, ctx: Context) => (c.as ? storeLoaders(ctx).horizons.load({ as: c.as, key: c.key }) : 0);

export const Conversation = builder.objectRef<ConversationSource>('Conversation');

builder.node(Conversation, {
  authScopes: { user: true },
  description:
    'A conversation: with one other user, a group or a room, as the gateway has recorded it (its sends, Chat callbacks, and the hourly export it reconciles).',
  id: { resolve: (c) => c.key },
  loadOne: async (key, ctx) => {
    if (!conversationKey.safeParse(key).success || !(await maySee(ctx, key))) return null;
    return { key, as: ctx.viewer.username };
  },
  fields: (t) => ({
    type: t.field({ type: ConversationKindEnum, resolve: (c) => parseConversationKey(c.key)!.kind }),
    with: t.field({
      type: User,
      nullable: true,
      description: 'In a one-to-one conversation, the other user.',
      resolve: (c) => {
        const members = parseConversationKey(c.key)?.members;
        return members ? userOf(members[0] === c.as ? members[1] : members[0]) : null;
      },
    }),
    group: t.field({
      type: Group,
      nullable: true,
      resolve: (c) => (c.key.startsWith('group:') ? { kind: 'group' as const, id: parseConversationKey(c.key)!.id } : null),
    }),
    room: t.field({
      type: Room,
      nullable: true,
      resolve: (c) => (c.key.startsWith('room:') ? { kind: 'room' as const, id: parseConversationKey(c.key)!.id } : null),
    }),
    lastActivityAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its newest recorded message was sent; null when none is recorded.',
      resolve: async (c, _a, ctx) => {
        const activity = await activityOf(c, ctx);
        return activity ? new Date(activity.at) : null;
      },
    }),
    lastMessage: t.field({
      type: Message,
      nullable: true,
      resolve: async (c, _a, ctx) => {
        const activity = await activityOf(c, ctx);
        return activity ? ((await storeLoaders(ctx).messages.load(activity.lastMessageId)) ?? null) : null;
      },
    }),
    unreadCount: t.int({
      description: "Messages after the read horizon that this user did not send (recalled ones are not counted); 0 for a service's view.",
      resolve: async (c, _a, ctx) => (c.as ? storeLoaders(ctx).unread.load({ key: c.key, username: c.as, since: await horizonOf(c, ctx) }) : 0),
    }),
    readUpTo: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The read horizon: messages sent up to then are read (markConversationRead, or a read receipt).',
      resolve: async (c, _a, ctx) => {
        const horizon = await horizonOf(c, ctx);
        return horizon > 0 ? new Date(horizon) : null;
      },
    }),
    messages: t.connection({
      type: Message,
      description:
        'Its recorded messages, oldest first, paged both ways: a chat screen asks `last: 50`, then `before` the first cursor for older ones; `first`/`after` read forwards. At most the retention (CONVERSATION_MAX_MESSAGES, CONVERSATION_MAX_AGE_DAYS).',
      resolve: (c, args, ctx) =>
        positionConnection<Position, StoredMessage>(
          args,
          async (range) => {
            const page = await ctx.conversations.messages(c.key, range);
            return { items: page.messages, total: page.total };
          },
          { of: (m) => ({ at: m.timestamp, id: m.id }), valid: isPosition },
        ),
    }),
  }),
});
