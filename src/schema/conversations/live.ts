/**
 * `conversationUpdated`: what changed in a user's conversations, live and resumable with `after` like
 * every event subscription: a message recorded (sent through the gateway, reported by a callback, or
 * restored by reconciliation), a recall, a read. One conversation (`conversationId`), or all of the
 * viewer's: their one-to-one conversations and the groups and rooms they belonged to when subscribing,
 * each group's events checked against Agora's membership again before it is delivered (a member who
 * leaves hears no more of it). Another user's reads are told in one-to-one conversations only.
 */
import type { GatewayEvent } from '../../events/types.ts';
import { parseConversationKey } from '../../conversations/store.ts';
import { builder } from '../builder.ts';
import { AFTER_DESCRIPTION, cursorOf, liveEvent, liveFeed, routingKey, type LiveEvent } from '../common/live.ts';
import { publicError } from '../common/errors.ts';
import { Message } from '../messages/types.ts';
import { User, userOf } from '../users/types.ts';
import { conversationOf, maySee } from './access.ts';
import { joinedOf } from './queries.ts';
import { Conversation, storeLoaders } from './types.ts';

type ConversationEvent = Extract<GatewayEvent, { kind: 'conversation' }>;

const ConversationChange = builder.enumType('ConversationChange', {
  values: {
    MESSAGE: { value: 'message', description: 'A message was recorded: sent, reported by a callback, or restored by reconciliation.' },
    RECALL: { value: 'recall', description: 'A message was recalled.' },
    READ: { value: 'read', description: 'A participant read up to `readUpTo` (markConversationRead, or a read receipt of `message`).' },
    DELIVERED: { value: 'delivered', description: "The recipient's device got `message` (a delivery receipt)." },
  } as const,
});

const ConversationUpdate = builder.objectRef<LiveEvent<ConversationEvent>>('ConversationUpdate').implement({
  authScopes: { user: true },
  description: 'A change of one conversation.',
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    change: t.field({ type: ConversationChange, resolve: (e) => e.event.change }),
    conversation: t.field({ type: Conversation, resolve: (e, _a, ctx) => ({ key: e.event.key, as: ctx.viewer.username }) }),
    message: t.field({
      type: Message,
      nullable: true,
      description: 'The message recorded, recalled, or acknowledged by a receipt.',
      resolve: async (e, _a, ctx) => (e.event.messageId ? ((await storeLoaders(ctx).messages.load(e.event.messageId)) ?? null) : null),
    }),
    by: t.field({ type: User, nullable: true, description: 'Who read, or whose device got it.', resolve: (e) => (e.event.by ? userOf(e.event.by) : null) }),
    readUpTo: t.field({ type: 'DateTime', nullable: true, resolve: (e) => (e.event.upTo ? new Date(e.event.upTo) : null) }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  conversationUpdated: t.field({
    type: ConversationUpdate,
    authScopes: { user: true },
    description:
      "Changes of one conversation (`conversationId`), or of all the signed-in user's: new messages, recalls, reads. Group and room events are checked against Agora's membership before each is delivered.",
    args: { conversationId: t.arg.id(), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    subscribe: async (_root, args, ctx) => {
      const isConversation = (e: GatewayEvent): e is ConversationEvent => e.kind === 'conversation';
      if (args.conversationId) {
        const key = await conversationOf(ctx, String(args.conversationId));
        return liveFeed(ctx, args.after, (e): e is ConversationEvent => isConversation(e) && e.key === key, {
          keys: [routingKey.conversation(key)],
          stillAllowed: () => maySee(ctx, key),
          denied: 'You may no longer see this conversation',
        });
      }
      const me = ctx.viewer.username;
      if (!me)
        throw publicError('Name the conversation to follow (conversationId): a service has none of its own', 'BAD_USER_INPUT', { field: 'conversationId' });
      const collectives = new Set([...(await joinedOf(ctx, me, 'group')), ...(await joinedOf(ctx, me, 'room'))]);
      const mine = (e: ConversationEvent) => {
        const members = parseConversationKey(e.key)?.members;
        if (members) return members.includes(me);
        // In a group, another member's read is nobody else's business.
        return collectives.has(e.key) && (e.change !== 'read' || e.by === me);
      };
      return liveFeed(ctx, args.after, (e): e is ConversationEvent => isConversation(e) && mine(e), {
        visible: async (e) => (parseConversationKey((e as ConversationEvent).key)?.members ? true : maySee(ctx, (e as ConversationEvent).key)),
      });
    },
    resolve: (item) => liveEvent<ConversationEvent>(item),
  }),
}));
