/**
 * Reading a conversation moves the viewer's read horizon (markConversationRead); an operator reads an
 * hour of Agora's export into the store at once (reconcileMessages), after an outage of the callbacks.
 */
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { costRules } from '../common/cost-rules.ts';
import { publicError } from '../common/errors.ts';
import { conversationOf } from './access.ts';
import { Conversation } from './types.ts';

const ReconcileResult = builder.simpleObject('ReconcileResult', {
  authScopes: { admin: true },
  description: "An hour of Agora's history export read into the message store.",
  fields: (t) => ({
    hour: t.string({ description: 'The UTC hour, yyyyMMddHH.' }),
    read: t.int({ description: 'Messages in the export.' }),
    added: t.int({ description: 'Of those, the ones the store did not have (callbacks had missed them).' }),
  }),
});

builder.mutationFields((t) => ({
  markConversationRead: t.field({
    type: Conversation,
    authScopes: { user: true },
    description:
      "Moves the signed-in user's read horizon in a conversation to `upTo` (default: its newest message); it never moves back. Unread counts are messages after it.",
    args: { conversationId: t.arg.id({ required: true }), upTo: t.arg({ type: 'DateTime' }) },
    resolve: async (_root, args, ctx) => {
      const me = ctx.viewer.username;
      if (!me) throw publicError("A read horizon is a user's: sign in as one", 'BAD_USER_INPUT', { field: 'conversationId' });
      const key = await conversationOf(ctx, String(args.conversationId));
      const upTo = args.upTo?.getTime() ?? (await ctx.conversations.activity([key])).get(key)?.at ?? 0;
      const horizon = await ctx.conversations.markRead(me, key, upTo);
      await ctx.events.publish([{ kind: 'conversation', key, change: 'read', by: me, upTo: horizon, at: Date.now() }]);
      return { key, as: me };
    },
  }),
  reconcileMessages: t.field({
    type: ReconcileResult,
    authScopes: { admin: true },
    description:
      "Reads one UTC hour of Agora's history export into the message store now (the background job reads each completed hour once): what callbacks missed is added, recalled messages stay recalled. Agora allows 10 such reads a minute.",
    args: { hour: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_root, args, ctx) => ctx.reconciler.reconcileHour(args.hour, chatOf(ctx)),
  }),
}));

costRules({
  // The export: its URL (counted as the mutation's own call), then the file, when the hour has one.
  'Mutation.reconcileMessages': { kind: 'call', calls: 1, estimated: true },
  // A one-to-one conversation asks Agora nothing; a group's asks who belongs to it.
  'Mutation.markConversationRead': { kind: 'call', calls: 0, estimated: true },
});
