/** The root reads of users: who is asking, one user, all users, and what belongs to the app as a whole. */
import { CHAT_LIMITS } from '../../agora/limits.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { nullIfNotFound } from '../common/errors.ts';
import { cursorConnection, FORWARDS_ONLY, numberedConnection } from '../common/pagination.ts';
import { MutedUser, User, userOf } from './types.ts';
import { costRules } from '../common/cost-rules.ts';

builder.queryFields((t) => ({
  viewer: t.field({
    authScopes: { user: true },
    type: User,
    nullable: true,
    description: 'The user making the request; null for service (API key or admin) requests.',
    resolve: (_root, _args, ctx) => (ctx.viewer.username ? userOf(ctx.viewer.username) : null),
  }),
  user: t.field({
    authScopes: { user: true },
    type: User,
    nullable: true,
    description: 'A user by username; null when no such user exists.',
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const entity = await nullIfNotFound(ctx.loaders.users.load(args.username));
      return entity ? { username: args.username, entity } : null;
    },
  }),
  users: t.connection({
    authScopes: { user: true },
    type: User,
    description: `Every user of the app, in registration order. ${FORWARDS_ONLY}`,
    resolve: async (_root, args, ctx) => {
      const connection = await cursorConnection(args, (cursor, limit) => chatOf(ctx).users.list({ limit, cursor }), CHAT_LIMITS.userListLimit);
      return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: { username: e.node.username, entity: e.node } })) };
    },
  }),
  onlineStatus: t.boolean({
    authScopes: { user: true },
    description: 'Whether one user is online, in one call (lists should select `User.online`, which batches).',
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_r, { username }, ctx) => (await chatOf(ctx).users.status(username)) === 'online',
  }),
  offlineMessageDelivered: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    description: 'Whether a message kept for an offline user has reached them.',
    args: { username: t.arg.string({ required: true }), messageId: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => (await chatOf(ctx).users.offlineMessageStatus(args)) === 'delivered',
  }),
  mutes: t.connection({
    type: MutedUser,
    description: 'Every globally muted user.',
    authScopes: { moderator: true },
    resolve: (_r, args, ctx) =>
      numberedConnection(args, (pageNum, pageSize) => chatOf(ctx).mutes.list({ pageNum, pageSize }), CHAT_LIMITS.globalMuteListPageSize),
  }),
  attributesCapacity: t.int({
    description: "Bytes used by every user's attributes in the app (at most 10 GB).",
    authScopes: { admin: true },
    resolve: (_r, _a, ctx) => chatOf(ctx).metadata.capacity(undefined),
  }),
}));

costRules({
  'Query.viewer': { kind: 'viewer' },
  'Query.user': { kind: 'batch', loader: 'users' },
  'Query.users': { kind: 'pages', pageSize: CHAT_LIMITS.userListLimit, loads: 'users' },
  'Query.mutes': { kind: 'pages', pageSize: CHAT_LIMITS.globalMuteListPageSize },
  'Query.onlineStatus': { kind: 'call' },
  'Query.offlineMessageDelivered': { kind: 'call' },
  'Query.attributesCapacity': { kind: 'call' },
});
