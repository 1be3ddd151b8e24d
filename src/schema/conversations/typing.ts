/**
 * Typing indicators: `setTyping` sends a Chat command message (Agora's way for transient signals, to
 * online recipients only) and tells the gateway's subscribers at once; `typing` follows one
 * conversation's. Signals are never stored as messages, and an SDK client's own (the same command
 * actions, through Chat's callback) is heard the same way.
 */
import type { GatewayEvent } from '../../events/types.ts';
import { SENT_BY_GATEWAY, TYPING_ACTIONS } from '../../conversations/ingest.ts';
import { parseConversationKey } from '../../conversations/store.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { costRules } from '../common/cost-rules.ts';
import { publicError } from '../common/errors.ts';
import { liveEvent, liveFeed, routingKey, type LiveEvent } from '../common/live.ts';
import { User, userOf } from '../users/types.ts';
import { conversationOf, maySee } from './access.ts';

type TypingEvent = Extract<GatewayEvent, { kind: 'typing' }>;

const Typing = builder.objectRef<LiveEvent<TypingEvent>>('Typing').implement({
  authScopes: { user: true },
  description: 'Someone started or stopped typing in a conversation.',
  fields: (t) => ({
    user: t.field({ type: User, resolve: (e) => userOf(e.event.username) }),
    typing: t.boolean({ resolve: (e) => e.event.typing }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

builder.mutationFields((t) => ({
  setTyping: t.boolean({
    authScopes: { user: true },
    description:
      'Says that the signed-in user is typing in a conversation (or stopped: `typing: false`), as a Chat command message to whoever is online in it. Not stored; clients repeat it every few seconds while typing and say false when they stop.',
    args: { conversationId: t.arg.id({ required: true }), typing: t.arg.boolean({ defaultValue: true }) },
    resolve: async (_root, args, ctx) => {
      const me = ctx.viewer.username;
      if (!me) throw publicError("Typing is a user's: sign in as one", 'BAD_USER_INPUT', { field: 'conversationId' });
      const key = await conversationOf(ctx, String(args.conversationId));
      const parsed = parseConversationKey(key, me)!;
      const typing = args.typing ?? true;
      const to = parsed.members ? { users: [parsed.id] } : parsed.kind === 'group' ? { groups: [parsed.id] } : { rooms: [parsed.id] };
      await chatOf(ctx).messages.send({
        from: me,
        to,
        body: { type: 'command', action: typing ? TYPING_ACTIONS.begin : TYPING_ACTIONS.end },
        ext: { [SENT_BY_GATEWAY]: 'typing' },
        onlineOnly: true,
      });
      await ctx.events.publish([{ kind: 'typing', key, username: me, typing, at: Date.now() }]);
      return true;
    },
  }),
}));

builder.subscriptionFields((t) => ({
  typing: t.field({
    type: Typing,
    authScopes: { user: true },
    description: "Who starts and stops typing in one conversation (not the viewer's own signals). Live only: there is no `after`.",
    args: { conversationId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const key = await conversationOf(ctx, String(args.conversationId));
      const me = ctx.viewer.username;
      return liveFeed(ctx, undefined, (e): e is TypingEvent => e.kind === 'typing' && e.key === key && e.username !== me, {
        keys: [routingKey.conversation(key)],
        stillAllowed: () => maySee(ctx, key),
        denied: 'You may no longer see this conversation',
      });
    },
    resolve: (item) => liveEvent<TypingEvent>(item),
  }),
}));

costRules({
  // The command message (the mutation's own call); a group's conversation asks Agora who belongs to it.
  'Mutation.setTyping': { kind: 'call', calls: 0, estimated: true },
});
