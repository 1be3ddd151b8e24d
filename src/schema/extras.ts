/**
 * The rest of the Agora surface in the graph: single-user reads that have batch siblings, files (as
 * base64, for small files), conversation deletion, listings of push labels and global mutes, presence
 * subscriptions, reactions, and the Signaling history count.
 */
import type { ReactionSummary } from '../agora/chat/reactions.ts';
import { CHAT_LIMITS } from '../agora/limits.ts';
import { builder } from './builder.ts';
import { chatOf } from './chat.ts';
import { publicError } from './errors.ts';
import { cursorConnection, FORWARDS_ONLY, numberedConnection } from './pagination.ts';
import { User, userOf } from './user.ts';



const MutedUser = builder.objectRef<{ username: string; chat: number; groupchat: number; chatroom: number }>('MutedUser').implement({
  authScopes: { user: true },
  description: 'A globally muted user: seconds left per scope (0 not muted, -1 until unmuted).',
  fields: (t) => ({
    user: t.field({ type: User, resolve: (m) => userOf(m.username) }),
    oneToOne: t.exposeInt('chat'),
    groups: t.exposeInt('groupchat'),
    rooms: t.exposeInt('chatroom'),
  }),
});





builder.objectFields(User, (t) => ({
  allAttributes: t.field({
    authScopes: (u) => ({ self: u.username }),
    type: 'JSON',
    description: 'Every attribute of the user (one upstream call per user; prefer `attributes(keys:)` in lists).',
    resolve: (u, _a, ctx) => chatOf(ctx).metadata.get(u.username, { signal: ctx.signal }),
  }),
  presenceSubscriptions: t.connection({
    authScopes: (u) => ({ self: u.username }),
    type: User,
    description: 'Whose presence the user subscribes to.',
    resolve: async (u, args, ctx) => {
      const c = await numberedConnection(
        args,
        async (pageNum, pageSize) => {
          const page = await chatOf(ctx).presence.subscriptions({ username: u.username, pageNum, pageSize }, { signal: ctx.signal });
          return { items: page.items, hasMore: pageNum * pageSize < page.total };
        },
        CHAT_LIMITS.presenceSublistPageSize,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: userOf(e.node.username) })) };
    },
  }),
}));

builder.queryFields((t) => ({
  onlineStatus: t.boolean({
    authScopes: { user: true },
    description: 'Whether one user is online, in one call (lists should select `User.online`, which batches).',
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_r, { username }, ctx) => (await chatOf(ctx).users.status(username, { signal: ctx.signal })) === 'online',
  }),
  offlineMessageDelivered: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    description: 'Whether a message kept for an offline user has reached them.',
    args: { username: t.arg.string({ required: true }), messageId: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => (await chatOf(ctx).users.offlineMessageStatus(args, { signal: ctx.signal })) === 'delivered',
  }),
  mutes: t.connection({
    type: MutedUser,
    description: 'Every globally muted user.',
    authScopes: { moderator: true },
    resolve: (_r, args, ctx) => numberedConnection(args, (pageNum, pageSize) => chatOf(ctx).mutes.list({ pageNum, pageSize }, { signal: ctx.signal }), CHAT_LIMITS.globalMuteListPageSize),
  }),
}));

builder.mutationFields((t) => ({
}));
