/**
 * Chat sends to users, groups and rooms, recall, file uploads and conversation deletes.
 */
import { DENIED_HINT } from '../scopes.ts';
import { username } from '../../agora/chat/schemas.ts';
import { FILE_DEFAULTS, type MessageBody as WireMessageBody } from '../../agora/chat/messages.ts';
import { builder } from '../builder.ts';
import { recordMessages, recordRecall, sentMessages } from '../../conversations/ingest.ts';
import { chatOf } from '../common/chat.ts';
import { domainErrors } from '../common/domain-errors.ts';
import { publicError } from '../common/errors.ts';

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
    extensions: { [DENIED_HINT]: 'Send with input.from: "{me}" (only admins send as the app).' },
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
      // Recorded here, so that a gateway without callbacks knows its own sends (a callback of the same send is the
      // same message). The send happened: a store that fails to record it is repaired by reconciliation, not the send's error.
      await recordMessages(
        ctx.events,
        ctx.conversations,

        sentMessages({
          from: input.from ?? 'admin',
          conversation: target,
          ids,
          body: toBody(input.body),
          ext: (input.ext ?? undefined) as Record<string, unknown> | undefined,
          at,
        }),
      ).catch(() => undefined);
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
    resolve: async (_root, { input }, ctx) => {
      const recalled = await chatOf(ctx).messages.recall({
        messageId: input.messageId,
        conversation: input.conversation,
        to: input.to,
        from: input.from ?? undefined,
        force: input.force ?? undefined,
      });
      // As for sends: Agora recalled it; reconciliation does not undo a recall the store missed, so the recall callback repairs it.
      await recordRecall(ctx.events, ctx.conversations, input.messageId).catch(() => undefined);
      return recalled;
    },
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
