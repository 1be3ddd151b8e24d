/** Reactions to Chat messages: who reacted with what, and reacting as a user. */
import type { ReactionSummary } from '../agora/chat/reactions.ts';
import { builder } from './builder.ts';
import { chatOf } from './common/chat.ts';
import { cursorConnection, FORWARDS_ONLY } from './common/pagination.ts';
import { User, userOf } from './users/types.ts';
import { costRules } from './common/cost-rules.ts';

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

const ReactionInput = builder.inputType('ReactionInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    messageId: t.string({ required: true }),
    reaction: t.string({ required: true, description: 'An emoji id, at most 128 characters.' }),
  }),
});

builder.queryFields((t) => ({
  messageReactions: t.field({
    authScopes: (_r, args) => ({ self: args.username }),
    type: [MessageReactions],
    description: 'The reactions of up to 20 messages (one-to-one, or of one group), as `username` sees them.',
    args: { username: t.arg.string({ required: true }), messageIds: t.arg.stringList({ required: true }), groupId: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      const byMessage = await chatOf(ctx).reactions.list({ username: args.username, messageIds: args.messageIds, groupId: args.groupId ?? undefined });
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
          const detail = await chatOf(ctx).reactions.detail({ username: args.username, messageId: args.messageId, reaction: args.reaction, limit, cursor });
          return { items: detail.users, cursor: detail.cursor };
        },
        100,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: userOf(e.node) })) };
    },
  }),
}));

builder.mutationFields((t) => ({
  addReaction: t.boolean({
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: ReactionInput, required: true }) },
    resolve: (_r, { input }, ctx) => chatOf(ctx).reactions.create(input),
  }),
  removeReaction: t.boolean({
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: ReactionInput, required: true }) },
    resolve: (_r, { input }, ctx) => chatOf(ctx).reactions.delete(input),
  }),
}));

costRules({
  'Query.reactionUsers': { kind: 'pages', pageSize: 100 },
  'Query.messageReactions': { kind: 'call' },
});
