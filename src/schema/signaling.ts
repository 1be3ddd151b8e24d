/**
 * Agora Signaling (RTM 1.x): peer and channel sends, the message history, and the user and channel
 * events, live. Those events are read by the event poller alone (destructive reads) and reach the
 * `userEvents` and `channelEvents` subscriptions through the event log.
 */
import { z } from 'zod';
import type { HistoryMessage } from '../agora/signaling/history.ts';
import { channelName, HISTORY_DEFAULT_ORDER, SIGNALING_SEND_DEFAULTS, userId } from '../agora/signaling/schemas.ts';
import { builder } from './builder.ts';
import { numberedConnection } from './common/pagination.ts';
import { costRules } from './common/cost-rules.ts';
import type { GatewayEvent } from '../events/types.ts';
import { AFTER_DESCRIPTION, anyOf, cursorOf, keysFor, liveEvent, liveFeed, routingKey, type LiveEvent } from './common/live.ts';
import { User, userOf } from './users/types.ts';
import { DENIED_HINT, inChannels } from './scopes.ts';

type UserEventData = Extract<GatewayEvent, { kind: 'user' | 'user-moderation' }>;
type ChannelEventData = Extract<GatewayEvent, { kind: 'channel' }>;

const UserEventType = builder.enumType('UserEventType', {
  values: {
    LOGIN: { value: 'login', description: 'A Signaling SDK client logged in.' },
    LOGOUT: { value: 'logout', description: 'A Signaling SDK client logged out.' },
    BANNED: { value: 'banned', description: 'Banned (deactivated) through this gateway.' },
    UNBANNED: { value: 'unbanned', description: 'Unbanned (reactivated) through this gateway.' },
    FORCED_OFFLINE: { value: 'forced-offline', description: 'Forced offline through this gateway.' },
  } as const,
});

const UserEvent = builder.objectRef<LiveEvent<UserEventData>>('UserEvent').implement({
  authScopes: { user: true },
  description: "A user's Signaling login or logout (from Agora's event feed), or a moderation of the user made through this gateway.",
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    type: t.field({ type: UserEventType, resolve: (e) => (e.event.kind === 'user' ? e.event.type : e.event.change) }),
    user: t.field({ type: User, resolve: (e) => userOf(e.event.username) }),
    at: t.field({ type: 'DateTime', description: 'When Agora (or the gateway) saw it.', resolve: (e) => new Date(e.event.at) }),
  }),
});

const ChannelEventType = builder.enumType('ChannelEventType', {
  values: { JOIN: { value: 'join' }, LEAVE: { value: 'leave' } } as const,
});

const ChannelEvent = builder.objectRef<LiveEvent<ChannelEventData>>('ChannelEvent').implement({
  authScopes: { user: true },
  description: "A user joined or left a Signaling channel (from Agora's event feed).",
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    type: t.field({ type: ChannelEventType, resolve: (e) => e.event.type }),
    channel: t.string({ resolve: (e) => e.event.channel }),
    user: t.field({ type: User, resolve: (e) => userOf(e.event.username) }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

/** A subscription's filter list: Signaling user ids or channel names, as Agora allows them, at most 1,000. */
const filterList = (id: typeof userId) => z.array(id).max(1000, 'at most 1,000');

builder.subscriptionFields((t) => ({
  userEvents: t.field({
    type: UserEvent,
    // Users follow their own events; moderators anyone's, or everyone's.
    authScopes: (_r, args) => ({ moderator: true, selves: args.usernames ?? [] }),
    extensions: { [DENIED_HINT]: 'Subscribe with usernames: ["{me}"] to follow your own logins and logouts.' },
    description: 'Signaling logins and logouts, and bans and forced logouts made through the gateway; of `usernames`, or of everyone when absent.',
    args: {
      usernames: t.arg.stringList({ description: 'Only these users (at most 1,000).', validate: filterList(userId) }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      const wanted = anyOf(args.usernames);
      return liveFeed(ctx, args.after, (e): e is UserEventData => (e.kind === 'user' || e.kind === 'user-moderation') && wanted(e.username), {
        keys: keysFor(args.usernames, routingKey.user),
      });
    },
    resolve: (item) => liveEvent<UserEventData>(item),
  }),
  channelEvents: t.field({
    type: ChannelEvent,
    // Users follow channels they are in (from the joins and leaves the poller read; re-checked at every
    // event, so leaving ends the subscription); moderators any, or all.
    authScopes: (_r, args) => ({ inChannels: args.channels ?? [] }),
    extensions: { [DENIED_HINT]: 'Subscribe with channels: [...] that {me} has joined (the gateway reads joins and leaves from Signaling).' },
    description: 'Joins and leaves of Signaling channels: of `channels`, or of every channel when absent.',
    args: {
      channels: t.arg.stringList({ description: 'Only these channels (at most 1,000).', validate: filterList(channelName) }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      const wanted = anyOf(args.channels);
      return liveFeed(ctx, args.after, (e): e is ChannelEventData => e.kind === 'channel' && wanted(e.channel), {
        stillAllowed: async () => inChannels(ctx, args.channels ?? []),
        denied: 'You are no longer in all of these channels',
        keys: keysFor(args.channels, routingKey.channel),
      });
    },
    resolve: (item) => liveEvent<ChannelEventData>(item),
  }),
}));

const DeliveryStatus = builder.enumType('DeliveryStatus', {
  description: 'What Agora said of a Signaling send.',
  values: {
    SENT: { value: 'sent', description: 'Agora accepted the message.' },
    DELIVERED: { value: 'delivered', description: 'The receiver acknowledged it (waitForAck).' },
    OFFLINE: { value: 'offline', description: 'The receiver is offline (waitForAck).' },
  } as const,
});

const SendResult = builder.simpleObject('SignalingSendResult', {
  authScopes: { public: true },
  fields: (t) => ({
    status: t.field({ type: DeliveryStatus }),
    requestId: t.string({ nullable: true }),
  }),
});

const SendPeerMessageInput = builder.inputType('SendPeerMessageInput', {
  fields: (t) => ({
    from: t.string({ required: true, description: 'The sender: 1 to 64 characters of the Signaling id character set.' }),
    to: t.string({ required: true }),
    payload: t.string({ required: true, description: 'At most 32 KB.' }),
    waitForAck: t.boolean({
      defaultValue: SIGNALING_SEND_DEFAULTS.waitForAck,
      description: 'Answer only once the receiver acknowledged, or is known offline.',
    }),
    saveHistory: t.boolean({ defaultValue: SIGNALING_SEND_DEFAULTS.enableHistoricalMessaging, description: 'Store the message in Signaling history.' }),
    storeOffline: t.boolean({
      defaultValue: SIGNALING_SEND_DEFAULTS.enableOfflineMessaging,
      description: 'Keep it for an offline receiver (at most 200 per receiver).',
    }),
  }),
});

const SendChannelMessageInput = builder.inputType('SendChannelMessageInput', {
  fields: (t) => ({
    from: t.string({ required: true }),
    channel: t.string({ required: true }),
    payload: t.string({ required: true, description: 'At most 32 KB.' }),
    saveHistory: t.boolean({ defaultValue: SIGNALING_SEND_DEFAULTS.enableHistoricalMessaging }),
  }),
});

const SignalingMessageKind = builder.enumType('SignalingMessageKind', { values: { PEER: { value: 'peer' }, CHANNEL: { value: 'channel' } } as const });

const SignalingMessage = builder.objectRef<HistoryMessage>('SignalingMessage').implement({
  authScopes: { user: true },
  description: 'A Signaling message kept in history (sent with saveHistory).',
  fields: (t) => ({
    from: t.exposeString('from'),
    to: t.exposeString('to', { description: 'The receiving user, or the channel.' }),
    kind: t.field({ type: SignalingMessageKind, resolve: (m) => m.kind }),
    payload: t.exposeString('payload'),
    sentAt: t.field({ type: 'DateTime', resolve: (m) => new Date(m.at) }),
  }),
});

/** Agora's history page sizes are 20, 50 or 100; connections read the largest. */
const HISTORY_PAGE = 100;

const HistoryOrder = builder.enumType('HistoryOrder', { values: { ASC: { value: 'asc' }, DESC: { value: 'desc' } } as const });

builder.queryFields((t) => ({
  channelHistory: t.connection({
    type: SignalingMessage,
    description:
      "Signaling history between startTime and endTime, filtered by source (a user) and destination (a user or channel), as a Relay connection over Agora's offset paging (100 per upstream query). Agora prepares each page asynchronously; this waits for it.",
    authScopes: { moderator: true },
    args: {
      source: t.arg.string(),
      destination: t.arg.string(),
      startTime: t.arg({ type: 'DateTime', required: true }),
      endTime: t.arg({ type: 'DateTime', required: true }),
      order: t.arg({ type: HistoryOrder, defaultValue: HISTORY_DEFAULT_ORDER }),
    },
    resolve: (_root, args, ctx) =>
      numberedConnection(
        args,
        async (pageNum, pageSize) => {
          const items = await ctx.agora.signaling.fetchHistory({
            source: args.source ?? undefined,
            destination: args.destination ?? undefined,
            startTime: args.startTime,
            endTime: args.endTime,
            offset: (pageNum - 1) * pageSize,
            limit: HISTORY_PAGE,
            order: args.order ?? undefined,
          });
          return { items, hasMore: items.length === pageSize };
        },
        HISTORY_PAGE,
        {
          // `last` without `before` starts from Agora's count instead of reading the history to its end.
          total: () =>
            ctx.agora.signaling.countHistory({
              source: args.source ?? undefined,
              destination: args.destination ?? undefined,
              startTime: args.startTime,
              endTime: args.endTime,
            }),
        },
      ),
  }),
  channelHistoryCount: t.int({
    authScopes: { moderator: true },
    description: 'How many Signaling history messages match a filter.',
    args: {
      source: t.arg.string(),
      destination: t.arg.string(),
      startTime: t.arg({ type: 'DateTime', required: true }),
      endTime: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (_r, args, ctx) =>
      ctx.agora.signaling.countHistory({
        source: args.source ?? undefined,
        destination: args.destination ?? undefined,
        startTime: args.startTime,
        endTime: args.endTime,
      }),
  }),
}));

builder.mutationFields((t) => ({
  sendPeerMessage: t.field({
    authScopes: (_r, args) => ({ self: args.input.from }),
    extensions: { [DENIED_HINT]: 'Send with input.from: "{me}".' },
    type: SendResult,
    description: 'Sends a Signaling peer-to-peer message. Never resent once it may have reached Agora (UPSTREAM_UNAVAILABLE with maybeDelivered).',
    args: { input: t.arg({ type: SendPeerMessageInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await ctx.agora.signaling.sendPeerMessage({
        from: input.from,
        to: input.to,
        payload: input.payload,
        waitForAck: input.waitForAck ?? undefined,
        enableHistoricalMessaging: input.saveHistory ?? undefined,
        enableOfflineMessaging: input.storeOffline ?? undefined,
      });
      await ctx.events.publish([{ kind: 'message', service: 'signaling', target: 'peer', from: input.from, to: input.to, messageIds: [], at: Date.now() }]);
      return result;
    },
  }),
  sendChannelMessage: t.field({
    authScopes: (_r, args) => ({ self: args.input.from }),
    extensions: { [DENIED_HINT]: 'Send with input.from: "{me}".' },
    type: SendResult,
    description: 'Sends a Signaling channel message; the sender need not have joined.',
    args: { input: t.arg({ type: SendChannelMessageInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await ctx.agora.signaling.sendChannelMessage({
        from: input.from,
        channel: input.channel,
        payload: input.payload,
        enableHistoricalMessaging: input.saveHistory ?? undefined,
      });
      await ctx.events.publish([
        { kind: 'message', service: 'signaling', target: 'channel', from: input.from, to: input.channel, messageIds: [], at: Date.now() },
      ]);
      return result;
    },
  }),
}));

costRules({
  // A history page is a query and at least one read of its handle (more while Agora prepares it).
  'Query.channelHistory': { kind: 'pages', pageSize: HISTORY_PAGE, callsPerPage: 2, estimated: true },
  'Query.channelHistoryCount': { kind: 'call' },
});
