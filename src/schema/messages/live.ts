/**
 * Messages sent through the gateway (`messageSent`) and Chat messages received (`messageReceived`), live.
 */
import { DENIED_HINT } from '../scopes.ts';
import { resourceId, username } from '../../agora/chat/schemas.ts';
import { userId } from '../../agora/signaling/schemas.ts';
import type { GatewayEvent } from '../../events/types.ts';
import { AFTER_DESCRIPTION, cursorOf, EventSource, liveEvent, liveFeed, membershipCheck, type LiveEvent } from '../common/live.ts';
import { builder } from '../builder.ts';
import { User, userOf } from '../users/types.ts';
import { Message, MessageTarget } from './types.ts';

type MessageEventData = Extract<GatewayEvent, { kind: 'message' }>;

const MessageService = builder.enumType('MessageService', {
  values: { SIGNALING: { value: 'signaling' }, CHAT: { value: 'chat' } } as const,
});

const SentTarget = builder.enumType('SentMessageTarget', {
  values: {
    PEER: { value: 'peer', description: 'A Signaling peer-to-peer message.' },
    CHANNEL: { value: 'channel', description: 'A Signaling channel message.' },
    USER: { value: 'user', description: 'A Chat one-to-one message.' },
    GROUP: { value: 'group' },
    ROOM: { value: 'room' },
  } as const,
});

const MessageSentEvent = builder.objectRef<LiveEvent<MessageEventData>>('MessageSentEvent').implement({
  authScopes: { user: true },
  description: 'A message sent through this gateway (Signaling or Chat), one event per recipient.',
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    service: t.field({ type: MessageService, resolve: (e) => e.event.service }),
    target: t.field({ type: SentTarget, resolve: (e) => e.event.target }),
    from: t.field({ type: User, resolve: (e) => userOf(e.event.from) }),
    to: t.string({ description: 'The receiving user, or the channel, group or room id (`recipient` is the same as a node).', resolve: (e) => e.event.to }),
    recipient: t.field({
      type: MessageTarget,
      nullable: true,
      description: 'Who or what received it, as `from` is: a user, a group or a room; null for a Signaling channel, which is not a node.',
      resolve: (e) => {
        const { target, to } = e.event;
        if (target === 'channel') return null;
        return target === 'group' || target === 'room' ? { kind: target, id: to } : userOf(to);
      },
    }),
    messageId: t.string({ nullable: true, description: "Chat's message id (Signaling gives none).", resolve: (e) => e.event.messageIds[0] ?? null }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  messageSent: t.field({
    type: MessageSentEvent,
    // Users watch messages to or from themselves (the filter must say so); moderators any.
    authScopes: (_r, args, ctx) => ({ moderator: true, self: args.to === ctx.viewer.username ? args.to : (args.from ?? '') }),
    extensions: { [DENIED_HINT]: 'Subscribe with from: "{me}" or to: "{me}" to follow your own messages.' },
    description: 'Messages sent through this gateway, filtered by any of service, target kind, sender and receiver.',
    args: {
      service: t.arg({ type: MessageService }),
      target: t.arg({ type: SentTarget }),
      // Signaling's id rules are the widest of the services': every Chat username and id passes them too.
      from: t.arg.string({ validate: userId.nullish() }),
      to: t.arg.string({ description: 'A user, channel, group or room id.', validate: userId.nullish() }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) =>
      liveFeed(
        ctx,
        args.after,
        (e): e is MessageEventData =>
          e.kind === 'message' &&
          (!args.service || e.service === args.service) &&
          (!args.target || e.target === args.target) &&
          (!args.from || e.from === args.from) &&
          (!args.to || e.to === args.to),
      ),
    resolve: (item) => liveEvent<MessageEventData>(item),
  }),
}));

// ---- live: messages from Agora Chat's callbacks (SDK clients and REST) ----

type ReceivedData = Extract<GatewayEvent, { kind: 'chat-message' }>;

const MessageReceived = builder.objectRef<LiveEvent<ReceivedData>>('MessageReceived').implement({
  authScopes: { user: true },
  description:
    "A Chat message as Agora's post-delivery callback reported it. Agora retries a failed callback once and then drops it: a stream of these may miss messages, and says so by this type's existence; read the history to be sure.",
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    message: t.field({ type: Message, resolve: (e) => e.event.message }),
    offline: t.boolean({ description: 'Agora reported it as sent to a user who was offline (`chat_offline`).', resolve: (e) => e.event.offline }),
    source: t.field({ type: EventSource, resolve: (e) => e.event.source }),
  }),
});

builder.subscriptionFields((t) => ({
  messageReceived: t.field({
    type: MessageReceived,
    description:
      "Chat messages sent by SDK clients or through REST, as Agora's callbacks report them: one user's one-to-one conversations, a group, or a room.",
    // Users follow their own conversations and the groups and rooms they belong to (checked again at every event).
    authScopes: (_r, args) =>
      args.groupId
        ? { memberOf: { kind: 'group', id: args.groupId } }
        : args.roomId
          ? { memberOf: { kind: 'room', id: args.roomId } }
          : { moderator: true, selves: args.username ? [args.username] : [] },
    extensions: { [DENIED_HINT]: 'Subscribe with username: "{me}" for your own conversations, or groupId/roomId of one you belong to.' },
    args: {
      username: t.arg.string({ description: "A user's one-to-one conversations (sent or received).", validate: username.nullish() }),
      groupId: t.arg.string({ validate: resourceId('groupId').nullish() }),
      roomId: t.arg.string({ validate: resourceId('roomId').nullish() }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      const collective = args.groupId ? { kind: 'group' as const, id: args.groupId } : args.roomId ? { kind: 'room' as const, id: args.roomId } : undefined;
      const match = (e: GatewayEvent): e is ReceivedData => {
        if (e.kind !== 'chat-message') return false;
        const m = e.message;
        if (collective) return m.conversation === collective.kind && m.to === collective.id;
        if (args.username) return m.conversation === 'user' && (m.from === args.username || m.to === args.username);
        return true;
      };
      return liveFeed(ctx, args.after, match, collective ? membershipCheck(ctx, collective) : {});
    },
    resolve: (item) => liveEvent<ReceivedData>(item),
  }),
}));
