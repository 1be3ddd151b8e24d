/**
 * A user's conversations, newest activity first: their one-to-one conversations from the message store,
 * and the groups and rooms they belong to, read from Agora through the shared reads (dropped when a
 * membership event names the user), with the store's newest message of each. Groups and rooms without a
 * recorded message come last.
 */
import type { CollectiveKind } from '../../agora/chat/collectives.ts';
import { builder, type Context } from '../builder.ts';
import { costRules } from '../common/cost-rules.ts';
import { publicError } from '../common/errors.ts';
import { countOf, decode, DEFAULT_FIRST, encode, refuseBackwards, type ConnectionArgs } from '../common/pagination.ts';
import { User } from '../users/types.ts';
import { Conversation, type ConversationSource } from './types.ts';

/** The keys of a user's group and room conversations, from Agora's membership (a shared read). */
export async function joinedOf(ctx: Context, username: string, kind: CollectiveKind): Promise<string[]> {
  if (!ctx.agora.chat) return [];
  return (await ctx.loaders.joined(kind, username)).map((id) => `${kind}:${id}`);
}

/** Newest activity first; conversations without any last, each group by key. */
const order = (x: ConversationSource, y: ConversationSource) => (y.activity?.at ?? 0) - (x.activity?.at ?? 0) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);

interface ListCursor {
  at: number;
  key: string;
}

const isListCursor = (v: unknown): v is ListCursor =>
  typeof v === 'object' && v !== null && typeof (v as ListCursor).at === 'number' && typeof (v as ListCursor).key === 'string';

export async function conversationsOf(ctx: Context, username: string, args: ConnectionArgs & { hasUnread?: boolean | null }) {
  refuseBackwards(args, 'a conversation moves to the top with each new message');
  const first = countOf(args, 'first') ?? DEFAULT_FIRST;
  const after = args.after ? decode(args.after, isListCursor, 'after') : undefined;
  const [peers, groups, rooms] = await Promise.all([
    ctx.conversations.peerConversations(username),
    joinedOf(ctx, username, 'group'),
    joinedOf(ctx, username, 'room'),
  ]);
  const activity = await ctx.conversations.activity([...groups, ...rooms]);
  let all: ConversationSource[] = [
    ...peers.map((a) => ({ key: a.key, as: username, activity: a })),
    ...[...groups, ...rooms].map((key) => ({ key, as: username, activity: activity.get(key) })),
  ].sort(order);
  if (after) all = all.filter((c) => order(c, { key: after.key, as: username, activity: { key: after.key, at: after.at, lastMessageId: '' } }) > 0);
  if (args.hasUnread) {
    // Filtered before paging, so that a page of unread conversations is full and `after` still pages.
    const horizons = await ctx.conversations.readHorizons(
      username,
      all.map((c) => c.key),
    );
    const unread = await ctx.conversations.unread(all.map((c) => ({ key: c.key, username, since: horizons.get(c.key) ?? 0 })));
    all = all.filter((_c, i) => unread[i]! > 0);
  }
  const page = all.slice(0, first);
  const edges = page.map((node) => ({ cursor: encode({ at: node.activity?.at ?? 0, key: node.key }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: all.length > page.length,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const LIST_ARGS = 'Newest activity first, forwards only (`first` and `after`); `hasUnread: true` keeps those with unread messages.';

builder.queryFields((t) => ({
  conversations: t.connection({
    type: Conversation,
    authScopes: { user: true },
    description: `The signed-in user's conversations: one-to-one, and the groups and rooms they belong to. ${LIST_ARGS}`,
    args: { hasUnread: t.arg.boolean() },
    resolve: (_root, args, ctx) => {
      const me = ctx.viewer.username;
      if (!me)
        throw publicError('conversations are a user\'s: sign in as one, or read user(username: "...") { conversations }', 'BAD_USER_INPUT', {
          field: 'conversations',
        });
      return conversationsOf(ctx, me, args);
    },
  }),
}));

builder.objectFields(User, (t) => ({
  conversations: t.connection({
    type: Conversation,
    // Private: a denial nulls this field alone, not the user.
    nullable: true,
    authScopes: (u) => ({ moderator: true, self: u.username }),
    description: `This user's conversations, as they see them. ${LIST_ARGS}`,
    args: { hasUnread: t.arg.boolean() },
    resolve: (u, args, ctx) => conversationsOf(ctx, u.username, args),
  }),
}));

costRules({
  // The user's groups and rooms, a page of 20 each (more pages for more): the store's reads are not Agora's.
  'Query.conversations': { kind: 'call', calls: 2, estimated: true },
  'User.conversations': { kind: 'call', calls: 2, estimated: true },
});
