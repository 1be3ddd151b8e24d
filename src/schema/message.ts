import type { MessageBody } from '../agora/chat/messages.ts';
import { domainErrors } from './domain-errors.ts';
import { builder } from './builder.ts';
import { chatOf } from './chat.ts';

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
    waitForAck: t.boolean({ defaultValue: false, description: 'Answer only once the receiver acknowledged, or is known offline.' }),
    saveHistory: t.boolean({ defaultValue: false, description: 'Store the message in Signaling history.' }),
    storeOffline: t.boolean({ defaultValue: false, description: 'Keep it for an offline receiver (at most 200 per receiver).' }),
  }),
});

const SendChannelMessageInput = builder.inputType('SendChannelMessageInput', {
  fields: (t) => ({
    from: t.string({ required: true }),
    channel: t.string({ required: true }),
    payload: t.string({ required: true, description: 'At most 32 KB.' }),
    saveHistory: t.boolean({ defaultValue: false }),
  }),
});


const TextBody = builder.inputType('TextBodyInput', { fields: (t) => ({ text: t.string({ required: true }) }) });
const ImageBody = builder.inputType('ImageBodyInput', {
  fields: (t) => ({ url: t.string({ required: true }), filename: t.string(), secret: t.string(), width: t.int(), height: t.int() }),
});
const AudioBody = builder.inputType('AudioBodyInput', {
  fields: (t) => ({ url: t.string({ required: true }), filename: t.string(), secret: t.string(), durationSeconds: t.int() }),
});
const VideoBody = builder.inputType('VideoBodyInput', {
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
const FileBody = builder.inputType('FileBodyInput', { fields: (t) => ({ url: t.string({ required: true }), filename: t.string({ required: true }), secret: t.string() }) });
const LocationBody = builder.inputType('LocationBodyInput', {
  fields: (t) => ({ latitude: t.float({ required: true }), longitude: t.float({ required: true }), address: t.string({ required: true }) }),
});
const CommandBody = builder.inputType('CommandBodyInput', { fields: (t) => ({ action: t.string({ required: true }) }) });
const CustomBody = builder.inputType('CustomBodyInput', { fields: (t) => ({ event: t.string(), fields: t.field({ type: 'JSON' }) }) });

const MessageBodyInput = builder.inputType('MessageBodyInput', {
  description: 'Exactly one kind of body.',
  isOneOf: true,
  fields: (t) => ({
    text: t.field({ type: TextBody }),
    image: t.field({ type: ImageBody }),
    audio: t.field({ type: AudioBody }),
    video: t.field({ type: VideoBody }),
    file: t.field({ type: FileBody }),
    location: t.field({ type: LocationBody }),
    command: t.field({ type: CommandBody }),
    custom: t.field({ type: CustomBody }),
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
function toBody(input: BodyInput): MessageBody {
  const clean = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
  const [kind, value] = Object.entries(input).find(([, v]) => v !== null && v !== undefined) ?? [];
  return { type: kind, ...clean((value ?? {}) as object) } as MessageBody;
}

builder.mutationFields((t) => ({
  sendPeerMessage: t.field({
    authScopes: (_r, args) => ({ self: args.input.from }),
    type: SendResult,
    description: 'Sends a Signaling peer-to-peer message. Never resent once it may have reached Agora (UPSTREAM_UNAVAILABLE with maybeDelivered).',
    args: { input: t.arg({ type: SendPeerMessageInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.agora.rtm.sendPeerMessage({
        from: input.from,
        to: input.to,
        payload: input.payload,
        waitForAck: input.waitForAck ?? false,
        enableHistoricalMessaging: input.saveHistory ?? false,
        enableOfflineMessaging: input.storeOffline ?? false,
      }),
  }),
  sendChannelMessage: t.field({
    authScopes: (_r, args) => ({ self: args.input.from }),
    type: SendResult,
    description: 'Sends a Signaling channel message; the sender need not have joined.',
    args: { input: t.arg({ type: SendChannelMessageInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.agora.rtm.sendChannelMessage({ from: input.from, channel: input.channel, payload: input.payload, enableHistoricalMessaging: input.saveHistory ?? false }),
  }),
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
      return Object.entries(ids).map(([recipient, messageId]) => ({ recipient, messageId }));
    },
  }),
}));
