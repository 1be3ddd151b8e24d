/**
 * Agora Chat messages: the Message type, its typed bodies and what it was sent to.
 */
import { username } from '../../agora/chat/schemas.ts';
import { type ArchivedMessage } from '../../agora/chat/messages.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { Group, Room } from '../collectives/types.ts';
import { Reaction } from '../reactions.ts';
import { User, userOf } from '../users/types.ts';
import { costRules } from '../common/cost-rules.ts';
import { maySeeMessage } from '../conversations/access.ts';
import { publicError } from '../common/errors.ts';

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

export const MessageTarget = builder.unionType('MessageTarget', {
  description: 'Where a message was sent: a user, a group or a room.',
  types: [User, Group, Room],
  resolveType: (target) => ((target as { kind?: string }).kind === 'group' ? Group : (target as { kind?: string }).kind === 'room' ? Room : User),
});

/** A message of the hourly archive, or of the gateway's store (which knows of recalls and receipts). */
export type MessageSource = ArchivedMessage & { recalled?: boolean; readAt?: number | undefined; deliveredAt?: number | undefined };

export const Message = builder.objectRef<MessageSource>('Message');

builder.node(Message, {
  authScopes: { user: true },
  description: "An Agora Chat message. As a Node, `node(id:)` reads it from the gateway's message store, for those who may see its conversation.",
  id: { resolve: (m) => m.id },
  loadOne: async (id, ctx) => {
    const [message] = await ctx.conversations.get([id]);
    return message && (await maySeeMessage(ctx, message)) ? message : null;
  },
  fields: (t) => ({
    messageId: t.exposeString('id', { description: "Agora's msg_id." }),
    recalled: t.boolean({ description: 'Recalled by its sender or a moderator (as far as the gateway heard).', resolve: (m) => m.recalled ?? false }),
    readAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "A one-to-one message: when its recipient read it (Chat's read receipt); null until then.",
      resolve: (m) => (m.readAt === undefined ? null : new Date(m.readAt)),
    }),
    readBy: t.field({
      type: User,
      nullable: true,
      description: 'A one-to-one message: its recipient, once they read it.',
      resolve: (m) => (m.readAt === undefined ? null : userOf(m.to)),
    }),
    delivered: t.boolean({
      description: "A one-to-one message: whether its recipient's device got it (Chat's delivery receipt, or a read).",
      resolve: (m) => m.deliveredAt !== undefined || m.readAt !== undefined,
    }),
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
      description: 'Reactions, as the viewer sees them, or as `as` (a participant of the conversation; a service, which has no username, names one).',
      args: { as: t.arg.string({ validate: username.nullish() }) },
      resolve: async (m, args, ctx) => {
        const as = args.as ?? ctx.viewer.username;
        if (as === undefined)
          throw publicError('Name the participant whose view of the reactions to read: reactions(as: "<username>")', 'BAD_USER_INPUT', { field: 'as' });
        const groupId = m.conversation === 'group' ? m.to : undefined;
        const byMessage = await chatOf(ctx).reactions.list({ username: as, messageIds: [m.id], groupId });
        return byMessage[m.id] ?? [];
      },
    }),
  }),
});

costRules({
  'Message.reactions': { kind: 'call' },
});
