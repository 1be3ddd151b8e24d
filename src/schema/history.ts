import type { ArchivedMessage } from '../agora/chat/messages.js';
import type { HistoryMessage } from '../agora/rtm/history.js';
import { builder } from './builder.js';
import { chatOf } from './chat.js';
import { publicError } from './errors.js';

const SignalingMessageKind = builder.enumType('SignalingMessageKind', { values: { PEER: { value: 'peer' }, CHANNEL: { value: 'channel' } } as const });

const SignalingMessage = builder.objectRef<HistoryMessage>('SignalingMessage').implement({
  description: 'A Signaling message kept in history (sent with saveHistory).',
  fields: (t) => ({
    from: t.exposeString('from'),
    to: t.exposeString('to', { description: 'The receiving user, or the channel.' }),
    kind: t.field({ type: SignalingMessageKind, resolve: (m) => m.kind }),
    payload: t.exposeString('payload'),
    sentAt: t.field({ type: 'DateTime', resolve: (m) => new Date(m.at) }),
  }),
});

const ConversationKind = builder.enumType('ConversationKind', {
  values: { USER: { value: 'user' }, GROUP: { value: 'group' }, ROOM: { value: 'room' } } as const,
});

const ArchivedChatMessage = builder.objectRef<ArchivedMessage>('ArchivedChatMessage').implement({
  description: "A Chat message from Agora's hourly history export.",
  fields: (t) => ({
    messageId: t.exposeString('id'),
    from: t.exposeString('from'),
    to: t.exposeString('to'),
    conversation: t.field({ type: ConversationKind, resolve: (m) => m.conversation }),
    sentAt: t.field({ type: 'DateTime', resolve: (m) => new Date(m.timestamp) }),
    bodies: t.field({ type: 'JSON', resolve: (m) => m.bodies }),
    ext: t.field({ type: 'JSON', nullable: true, resolve: (m) => m.ext ?? null }),
  }),
});

const PAGE_SIZES = [20, 50, 100] as const;

builder.queryFields((t) => ({
  channelHistory: t.field({
    type: [SignalingMessage],
    description:
      'Signaling history between startTime and endTime, filtered by source (a user) and destination (a user or channel). Page with `offset` and `limit` (20, 50 or 100). Agora prepares the result asynchronously; this waits for it.',
    args: {
      source: t.arg.string(),
      destination: t.arg.string(),
      startTime: t.arg({ type: 'DateTime', required: true }),
      endTime: t.arg({ type: 'DateTime', required: true }),
      offset: t.arg.int({ defaultValue: 0 }),
      limit: t.arg.int({ defaultValue: 20 }),
      order: t.arg.string({ defaultValue: 'asc', description: 'asc or desc' }),
    },
    resolve: (_root, args, ctx) => {
      const limit = args.limit ?? 20;
      if (!PAGE_SIZES.includes(limit as (typeof PAGE_SIZES)[number])) throw publicError('limit must be 20, 50 or 100', 'BAD_USER_INPUT', { field: 'limit' });
      if (args.order !== 'asc' && args.order !== 'desc') throw publicError('order must be asc or desc', 'BAD_USER_INPUT', { field: 'order' });
      return ctx.agora.rtm.fetchHistory(
        {
          source: args.source ?? undefined,
          destination: args.destination ?? undefined,
          startTime: args.startTime,
          endTime: args.endTime,
          offset: args.offset ?? 0,
          limit: limit as (typeof PAGE_SIZES)[number],
          order: args.order,
        },
        { signal: ctx.signal },
      );
    },
  }),
  chatHistory: t.field({
    type: [ArchivedChatMessage],
    description: 'Every Chat message sent in one UTC hour of the last 3 days (Agora allows 10 such reads a minute).',
    args: { hour: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_root, args, ctx) => chatOf(ctx).messages.downloadHistory(args.hour, { signal: ctx.signal }),
  }),
}));
