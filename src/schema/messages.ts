/**
 * Agora Chat messages: the Message type and its typed bodies, sends to users, groups and rooms, recall,
 * files, conversations and the hourly history archive.
 */
import { resourceId, username } from '../agora/chat/schemas.ts';
import { userId } from '../agora/rtm/schemas.ts';
import { FILE_DEFAULTS, type ArchivedMessage, type MessageBody as WireMessageBody } from '../agora/chat/messages.ts';
import type { GatewayEvent } from '../events/types.ts';
import { AFTER_DESCRIPTION, cursorOf, EventSource, liveEvent, liveFeed, membershipCheck, type LiveEvent } from './common/live.ts';
import { builder } from './builder.ts';
import { chatOf } from './common/chat.ts';
import { domainErrors } from './common/domain-errors.ts';
import { publicError } from './common/errors.ts';
import { Group, Room } from './collectives/types.ts';
import { Reaction } from './reactions.ts';
import { User, userOf } from './users/types.ts';
import { costRules } from './common/cost-rules.ts';

const ConversationKind = builder.enumType('ConversationKind', {
  values: { USER: { value: 'user' }, GROUP: { value: 'group' }, ROOM: { value: 'room' } } as const,
});

type Wire = Record<string, unknown>;
const str = (b: Wire, k: string): string | null => (typeof b[k] === 'string' ? (b[k] as string) : b[k] === undefined || b[k] === null ? null : String(b[k]));
const num = (b: Wire, k: string): number | null => (typeof b[k] === 'number' ? (b[k] as number) : b[k] === undefined ? null : Number(b[k]) || null);

/** One body kind: its GraphQL type and the Agora wire type it reads. */
const body = <F extends Record<string, 'string' | 'int' | 'float' | 'json'>>(
  name: string,
  wireType: string,
  fields: F,
  read: (b: Wire) => Record<keyof F, unknown>,
) => {
  const ref = builder.objectRef<Wire>(name).implement({
    authScopes: { user: true },
    isTypeOf: (b) => (b as Wire).type === wireType,
    fields: (t) =>
      Object.fromEntries(
        Object.entries(fields).map(([field, kind]) => [
          field,
          kind === 'json'
            ? t.field({ type: 'JSON', nullable: true, resolve: (b) => read(b)[field as keyof F] ?? null })
            : kind === 'int'
              ? t.int({ nullable: true, resolve: (b) => (read(b)[field as keyof F] as number | null) ?? null })
              : kind === 'float'
                ? t.float({ nullable: true, resolve: (b) => (read(b)[field as keyof F] as number | null) ?? null })
                : t.string({ nullable: true, resolve: (b) => (read(b)[field as keyof F] as string | null) ?? null }),
        ]),
      ),
  });
  return ref;
};

const TextBody = body('TextBody', 'txt', { text: 'string' }, (b) => ({ text: str(b, 'msg') }));
const ImageBody = body('ImageBody', 'img', { url: 'string', filename: 'string', width: 'int', height: 'int' }, (b) => {
  const size = (b.size ?? {}) as Wire;
  return { url: str(b, 'url'), filename: str(b, 'filename'), width: num(size, 'width'), height: num(size, 'height') };
});
const AudioBody = body('AudioBody', 'audio', { url: 'string', filename: 'string', durationSeconds: 'int' }, (b) => ({
  url: str(b, 'url'),
  filename: str(b, 'filename'),
  durationSeconds: num(b, 'length'),
}));
const VideoBody = body('VideoBody', 'video', { url: 'string', filename: 'string', durationSeconds: 'int', thumbnailUrl: 'string' }, (b) => ({
  url: str(b, 'url'),
  filename: str(b, 'filename'),
  durationSeconds: num(b, 'length'),
  thumbnailUrl: str(b, 'thumb'),
}));
const FileBody = body('FileBody', 'file', { url: 'string', filename: 'string' }, (b) => ({ url: str(b, 'url'), filename: str(b, 'filename') }));
const LocationBody = body('LocationBody', 'loc', { latitude: 'float', longitude: 'float', address: 'string' }, (b) => ({
  latitude: num(b, 'lat'),
  longitude: num(b, 'lng'),
  address: str(b, 'addr'),
}));
const CommandBody = body('CommandBody', 'cmd', { action: 'string' }, (b) => ({ action: str(b, 'action') }));
const CustomBody = body('CustomBody', 'custom', { event: 'string', fields: 'json' }, (b) => ({ event: str(b, 'customEvent'), fields: b.customExts ?? null }));

const MessageBody = builder.unionType('MessageBody', {
  description: 'The body of a Chat message, by its type.',
  types: [TextBody, ImageBody, AudioBody, VideoBody, FileBody, LocationBody, CommandBody, CustomBody],
});

const MessageTarget = builder.unionType('MessageTarget', {
  description: 'Where a message was sent: a user, a group or a room.',
  types: [User, Group, Room],
  resolveType: (target) => ((target as { kind?: string }).kind === 'group' ? Group : (target as { kind?: string }).kind === 'room' ? Room : User),
});

const Message = builder.objectRef<ArchivedMessage>('Message').implement({
  authScopes: { user: true },
  description: 'An Agora Chat message.',
  fields: (t) => ({
    messageId: t.exposeString('id'),
    sender: t.field({ type: User, resolve: (m) => userOf(m.from) }),
    conversation: t.field({ type: ConversationKind, resolve: (m) => m.conversation }),
    target: t.field({
      type: MessageTarget,
      resolve: (m) => (m.conversation === 'user' ? userOf(m.to) : { kind: m.conversation, id: m.to }),
    }),
    body: t.field({ type: MessageBody, nullable: true, resolve: (m) => (m.bodies[0] as Wire | undefined) ?? null }),
    ext: t.field({ type: 'JSON', nullable: true, resolve: (m) => m.ext ?? null }),
    sentAt: t.field({ type: 'DateTime', resolve: (m) => new Date(m.timestamp) }),
    reactions: t.field({
      type: [Reaction],
      description: 'Reactions, as `as` (a participant of the conversation) sees them.',
      args: { as: t.arg.string({ required: true }) },
      resolve: async (m, args, ctx) => {
        const groupId = m.conversation === 'group' ? m.to : undefined;
        const byMessage = await chatOf(ctx).reactions.list({ username: args.as, messageIds: [m.id], groupId });
        return byMessage[m.id] ?? [];
      },
    }),
  }),
});

builder.queryFields((t) => ({
  chatFile: t.string({
    authScopes: { user: true },
    description: 'A file uploaded to Agora Chat, base64-encoded (files up to 1 MB through GraphQL).',
    args: { uuid: t.arg.string({ required: true }), secret: t.arg.string(), thumbnail: t.arg.boolean({ defaultValue: FILE_DEFAULTS.thumbnail }) },
    resolve: async (_r, args, ctx) => {
      const bytes = await chatOf(ctx).messages.downloadFile({ uuid: args.uuid, secret: args.secret ?? undefined, thumbnail: args.thumbnail ?? undefined });
      return bytes.toString('base64');
    },
  }),
  chatHistory: t.field({
    authScopes: { admin: true },
    type: [Message],
    description: 'Every Chat message sent in one UTC hour of the last 3 days (Agora allows 10 such reads a minute).',
    args: { hour: t.arg({ type: 'DateTime', required: true }) },
    resolve: (_root, args, ctx) => chatOf(ctx).messages.downloadHistory(args.hour),
  }),
}));

const ChatFile = builder.simpleObject('ChatFile', {
  authScopes: { user: true },
  fields: (t) => ({ uuid: t.string(), secret: t.string({ nullable: true, description: 'Needed to download a file uploaded with restricted access.' }) }),
});

const MAX_INLINE_FILE_BYTES = 1024 * 1024;

const ConversationKindInput = builder.enumType('RecallConversation', {
  values: { USER: { value: 'user' }, GROUP: { value: 'group' }, ROOM: { value: 'room' } } as const,
});

const RecallMessageInput = builder.inputType('RecallMessageInput', {
  fields: (t) => ({
    messageId: t.string({ required: true }),
    conversation: t.field({ type: ConversationKindInput, required: true }),
    to: t.string({ required: true, description: 'The other user, the group id or the room id.' }),
    from: t.string(),
    force: t.boolean({ defaultValue: false, description: 'Recall whatever the message age (moderators).' }),
  }),
});

const TextBodyInput = builder.inputType('TextBodyInput', { fields: (t) => ({ text: t.string({ required: true }) }) });
const ImageBodyInput = builder.inputType('ImageBodyInput', {
  fields: (t) => ({ url: t.string({ required: true }), filename: t.string(), secret: t.string(), width: t.int(), height: t.int() }),
});
const AudioBodyInput = builder.inputType('AudioBodyInput', {
  fields: (t) => ({ url: t.string({ required: true }), filename: t.string(), secret: t.string(), durationSeconds: t.int() }),
});
const VideoBodyInput = builder.inputType('VideoBodyInput', {
  fields: (t) => ({
    url: t.string({ required: true }),
    filename: t.string(),
    secret: t.string(),
    durationSeconds: t.int(),
    thumbnailUrl: t.string(),
    thumbnailSecret: t.string(),
    fileLength: t.int(),
  }),
});
const FileBodyInput = builder.inputType('FileBodyInput', {
  fields: (t) => ({ url: t.string({ required: true }), filename: t.string({ required: true }), secret: t.string() }),
});
const LocationBodyInput = builder.inputType('LocationBodyInput', {
  fields: (t) => ({ latitude: t.float({ required: true }), longitude: t.float({ required: true }), address: t.string({ required: true }) }),
});
const CommandBodyInput = builder.inputType('CommandBodyInput', { fields: (t) => ({ action: t.string({ required: true }) }) });
const CustomBodyInput = builder.inputType('CustomBodyInput', { fields: (t) => ({ event: t.string(), fields: t.field({ type: 'JSON' }) }) });

const MessageBodyInput = builder.inputType('MessageBodyInput', {
  description: 'Exactly one kind of body.',
  isOneOf: true,
  fields: (t) => ({
    text: t.field({ type: TextBodyInput }),
    image: t.field({ type: ImageBodyInput }),
    audio: t.field({ type: AudioBodyInput }),
    video: t.field({ type: VideoBodyInput }),
    file: t.field({ type: FileBodyInput }),
    location: t.field({ type: LocationBodyInput }),
    command: t.field({ type: CommandBodyInput }),
    custom: t.field({ type: CustomBodyInput }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  description: 'Exactly one of toUsers (at most 600), toGroups (3) or toRooms (10).',
  fields: (t) => ({
    from: t.string({ description: 'The sender; Agora sends as "admin" when absent.' }),
    toUsers: t.stringList(),
    toGroups: t.stringList(),
    toRooms: t.stringList(),
    body: t.field({ type: MessageBodyInput, required: true }),
    ext: t.field({ type: 'JSON' }),
    onlineOnly: t.boolean({ description: 'Deliver only to recipients online now.' }),
  }),
});

const SentMessage = builder.simpleObject('SentMessage', {
  authScopes: { public: true },
  description: 'The message id Agora gave one recipient.',
  fields: (t) => ({ recipient: t.string(), messageId: t.string() }),
});

type BodyInput = NonNullable<(typeof SendMessageInput)['$inferInput']['body']>;

/** The oneOf input as the client's tagged body; nulls dropped. */
function toBody(input: BodyInput): WireMessageBody {
  const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  const [kind, value] = Object.entries(input).find(([, v]) => v !== null && v !== undefined) ?? [];
  return { type: kind, ...clean((value ?? {}) as object) } as WireMessageBody;
}

builder.mutationFields((t) => ({
  sendMessage: t.field({
    authScopes: (_r, args) => (args.input.from ? { self: args.input.from } : { admin: true }),
    errors: domainErrors,
    type: [SentMessage],
    description: 'Sends an Agora Chat message to users, groups or rooms; one message id per recipient.',
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const to = input.toUsers ? { users: input.toUsers } : input.toGroups ? { groups: input.toGroups } : { rooms: input.toRooms ?? [] };
      const ids = await chatOf(ctx).messages.send({
        from: input.from ?? undefined,
        to,
        body: toBody(input.body),
        ext: (input.ext ?? undefined) as Record<string, unknown> | undefined,
        onlineOnly: input.onlineOnly ?? undefined,
      });
      const target = input.toUsers ? 'user' : input.toGroups ? 'group' : 'room';
      const at = Date.now();
      await ctx.events.publish(
        Object.entries(ids).map(([recipient, messageId]) => ({
          kind: 'message',
          service: 'chat',
          target,
          from: input.from ?? 'admin',
          to: recipient,
          messageIds: [messageId],
          at,
        })),
      );
      return Object.entries(ids).map(([recipient, messageId]) => ({ recipient, messageId }));
    },
  }),
  recallMessage: t.boolean({
    errors: domainErrors,
    description: 'Recalls a Chat message: within the recall window, or at any age with `force` (moderators).',
    authScopes: { moderator: true },
    args: { input: t.arg({ type: RecallMessageInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      chatOf(ctx).messages.recall({
        messageId: input.messageId,
        conversation: input.conversation,
        to: input.to,
        from: input.from ?? undefined,
        force: input.force ?? undefined,
      }),
  }),
  uploadChatFile: t.field({
    type: ChatFile,
    description: 'Uploads a file (base64, up to 1 MB through GraphQL) for image, audio, video or file messages.',
    authScopes: { user: true },
    args: {
      filename: t.arg.string({ required: true }),
      contentBase64: t.arg.string({ required: true }),
      contentType: t.arg.string(),
      restrictAccess: t.arg.boolean({ defaultValue: FILE_DEFAULTS.restrictAccess }),
    },
    resolve: (_r, args, ctx) => {
      const content = Buffer.from(args.contentBase64, 'base64');
      if (content.length > MAX_INLINE_FILE_BYTES) {
        throw publicError(`Files through GraphQL are at most ${MAX_INLINE_FILE_BYTES} bytes`, 'BAD_USER_INPUT', { field: 'contentBase64' });
      }
      return chatOf(ctx).messages.uploadFile({
        filename: args.filename,
        content,
        contentType: args.contentType ?? undefined,
        restrictAccess: args.restrictAccess ?? undefined,
      });
    },
  }),
  deleteConversation: t.boolean({
    description: "Deletes a user's conversation with another user or a group from the server.",
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), with: t.arg.string({ required: true }), group: t.arg.boolean({ defaultValue: false }) },
    resolve: (_r, args, ctx) =>
      chatOf(ctx).messages.deleteConversation({ username: args.username, with: args.with, conversation: args.group ? 'group' : 'user' }),
  }),
}));

costRules({
  // The archive: its URL and the file.
  'Query.chatHistory': { kind: 'call', calls: 2, children: 'estimate' },
  'Query.chatFile': { kind: 'call' },
  'Message.reactions': { kind: 'call' },
});

// ---- live: messages sent through the gateway ----

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
    to: t.string({ description: 'The receiving user, or the channel, group or room id.', resolve: (e) => e.event.to }),
    messageId: t.string({ nullable: true, description: "Chat's message id (Signaling gives none).", resolve: (e) => e.event.messageIds[0] ?? null }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  messageSent: t.field({
    type: MessageSentEvent,
    // Users watch messages to or from themselves (the filter must say so); moderators any.
    authScopes: (_r, args, ctx) => ({ moderator: true, self: args.to === ctx.viewer.username ? args.to : (args.from ?? '') }),
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
