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

const PushLabelUser = builder.simpleObject('PushLabelUser', { authScopes: { user: true }, fields: (t) => ({ username: t.string(), addedAt: t.field({ type: 'DateTime' }) }) });

const PushLabelNode = builder.objectRef<{ name: string; description: string; count: number; createdAt: number }>('PushLabelListing').implement({
  authScopes: { user: true },
  description: 'A push label, with the users under it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    count: t.exposeInt('count'),
    createdAt: t.field({ type: 'DateTime', resolve: (l) => new Date(l.createdAt) }),
    users: t.connection({
      type: PushLabelUser,
      description: `The users with this label. ${FORWARDS_ONLY}`,
      resolve: async (l, args, ctx) => {
        const c = await cursorConnection(args, (cursor, limit) => chatOf(ctx).pushLabels.listUsers({ label: l.name, limit, cursor }), 100);
        return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: { username: e.node.username, addedAt: new Date(e.node.addedAt) } })) };
      },
    }),
    user: t.field({
      type: PushLabelUser,
      nullable: true,
      description: 'One user under the label; null when they are not under it.',
      args: { username: t.arg.string({ required: true }) },
      resolve: async (l, args, ctx) => {
        const found = await chatOf(ctx).pushLabels.getUser({ label: l.name, username: args.username }, { signal: ctx.signal }).catch((e: unknown) => {
          if ((e as { kind?: string }).kind === 'not_found') return undefined;
          throw e;
        });
        return found ? { username: found.username, addedAt: new Date(found.addedAt) } : null;
      },
    }),
  }),
});

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

export const Reaction = builder.objectRef<ReactionSummary>('Reaction').implement({
  authScopes: { user: true },
  fields: (t) => ({
    reaction: t.exposeString('reaction', { description: 'The emoji id.' }),
    count: t.exposeInt('count'),
    reactedByViewer: t.exposeBoolean('reactedByMe', { description: 'Whether the user asking is one of those who reacted.' }),
    users: t.field({ type: [User], description: 'The first users who reacted.', resolve: (r) => r.users.map(userOf) }),
  }),
});

const MessageReactions = builder.simpleObject('MessageReactions', {
  authScopes: { user: true },
  fields: (t) => ({ messageId: t.string(), reactions: t.field({ type: [Reaction] }) }),
});

const ChatFile = builder.simpleObject('ChatFile', {
  authScopes: { user: true },
  fields: (t) => ({ uuid: t.string(), secret: t.string({ nullable: true, description: 'Needed to download a file uploaded with restricted access.' }) }),
});

const MAX_INLINE_FILE_BYTES = 1024 * 1024;

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
  pushLabels: t.connection({
    type: PushLabelNode,
    authScopes: { admin: true },
    description: `Every push label of the app. ${FORWARDS_ONLY}`,
    resolve: (_r, args, ctx) => cursorConnection(args, (cursor, limit) => chatOf(ctx).pushLabels.list({ limit, cursor }), 100),
  }),
  mutes: t.connection({
    type: MutedUser,
    description: 'Every globally muted user.',
    authScopes: { moderator: true },
    resolve: (_r, args, ctx) => numberedConnection(args, (pageNum, pageSize) => chatOf(ctx).mutes.list({ pageNum, pageSize }, { signal: ctx.signal }), CHAT_LIMITS.globalMuteListPageSize),
  }),
  messageReactions: t.field({
    authScopes: (_r, args) => ({ self: args.username }),
    type: [MessageReactions],
    description: 'The reactions of up to 20 messages (one-to-one, or of one group), as `username` sees them.',
    args: { username: t.arg.string({ required: true }), messageIds: t.arg.stringList({ required: true }), groupId: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      const byMessage = await chatOf(ctx).reactions.list({ username: args.username, messageIds: args.messageIds, groupId: args.groupId ?? undefined }, { signal: ctx.signal });
      return args.messageIds.map((messageId) => ({ messageId, reactions: byMessage[messageId] ?? [] }));
    },
  }),
  reactionUsers: t.connection({
    authScopes: (_r, args) => ({ self: args.username }),
    type: User,
    description: `Who reacted to a message with one reaction. ${FORWARDS_ONLY}`,
    args: { username: t.arg.string({ required: true }), messageId: t.arg.string({ required: true }), reaction: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      const c = await cursorConnection(
        args,
        async (cursor, limit) => {
          const detail = await chatOf(ctx).reactions.detail({ username: args.username, messageId: args.messageId, reaction: args.reaction, limit, cursor }, { signal: ctx.signal });
          return { items: detail.users, cursor: detail.cursor };
        },
        100,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: userOf(e.node) })) };
    },
  }),
  chatFile: t.string({
    authScopes: { user: true },
    description: 'A file uploaded to Agora Chat, base64-encoded (files up to 1 MB through GraphQL).',
    args: { uuid: t.arg.string({ required: true }), secret: t.arg.string(), thumbnail: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_r, args, ctx) => {
      const bytes = await chatOf(ctx).messages.downloadFile({ uuid: args.uuid, secret: args.secret ?? undefined, thumbnail: args.thumbnail ?? false }, { signal: ctx.signal });
      return bytes.toString('base64');
    },
  }),
  channelHistoryCount: t.int({
    authScopes: { moderator: true },
    description: 'How many Signaling history messages match a filter.',
    args: { source: t.arg.string(), destination: t.arg.string(), startTime: t.arg({ type: 'DateTime', required: true }), endTime: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_r, args, ctx) =>
      ctx.agora.rtm.countHistory(
        { source: args.source ?? undefined, destination: args.destination ?? undefined, startTime: args.startTime, endTime: args.endTime },
        { signal: ctx.signal },
      ),
  }),
}));

builder.mutationFields((t) => ({
  uploadChatFile: t.field({
    type: ChatFile,
    description: 'Uploads a file (base64, up to 1 MB through GraphQL) for image, audio, video or file messages.',
    authScopes: { user: true },
    args: {
      filename: t.arg.string({ required: true }),
      contentBase64: t.arg.string({ required: true }),
      contentType: t.arg.string(),
      restrictAccess: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_r, args, ctx) => {
      const content = Buffer.from(args.contentBase64, 'base64');
      if (content.length > MAX_INLINE_FILE_BYTES) {
        throw publicError(`Files through GraphQL are at most ${MAX_INLINE_FILE_BYTES} bytes`, 'BAD_USER_INPUT', { field: 'contentBase64' });
      }
      return chatOf(ctx).messages.uploadFile(
        { filename: args.filename, content, contentType: args.contentType ?? undefined, restrictAccess: args.restrictAccess ?? false },
        { signal: ctx.signal },
      );
    },
  }),
  deleteConversation: t.boolean({
    description: "Deletes a user's conversation with another user or a group from the server.",
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), with: t.arg.string({ required: true }), group: t.arg.boolean({ defaultValue: false }) },
    resolve: (_r, args, ctx) =>
      chatOf(ctx).messages.deleteConversation({ username: args.username, with: args.with, conversation: args.group ? 'group' : 'user' }, { signal: ctx.signal }),
  }),
}));
