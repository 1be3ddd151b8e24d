/**
 * Agora Chat messages (agora-api.md §2.5): send to users (at most 600 per call), groups (3) or rooms
 * (10) with a typed body (text, image, audio, video, file, location, command, custom) and ext, body plus
 * ext at most 5 KB; recall within the app's recall window; delete a conversation. A send is never
 * replayed once it may have reached Agora.
 */
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { enc, endpoint, type CallOptions, type ServiceContext } from '../endpoint.ts';
import { AgoraForbiddenError, AgoraNotFoundError } from '../errors.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { envelope, resourceId, username } from './schemas.ts';

const url = z.url({ error: 'url must be a URL' });
const attachment = { url, filename: z.string().max(256).optional(), secret: z.string().max(256).optional() };

/** A message body; `type` selects the kind, as Agora's `type` field does. */
export const messageBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1, 'text must not be empty') }),
  z.object({ type: z.literal('image'), ...attachment, width: z.number().int().min(0).optional(), height: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('audio'), ...attachment, durationSeconds: z.number().int().min(0).optional() }),
  z.object({
    type: z.literal('video'),
    ...attachment,
    durationSeconds: z.number().int().min(0).optional(),
    thumbnailUrl: url.optional(),
    thumbnailSecret: z.string().max(256).optional(),
    fileLength: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('file'), url, filename: z.string().min(1, 'a file message needs a filename').max(256), secret: z.string().max(256).optional() }),
  z.object({ type: z.literal('location'), latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), address: z.string().max(512) }),
  z.object({ type: z.literal('command'), action: z.string().min(1, 'action must not be empty').max(256) }),
  z.object({
    type: z.literal('custom'),
    event: z
      .string()
      .regex(/^[a-zA-Z0-9-_/.]{1,32}$/, 'event is 1 to 32 characters of letters, digits, -, _, / and .')
      .optional(),
    fields: z
      .record(z.string(), z.string())
      .refine((f) => Object.keys(f).length <= 16, 'a custom message has at most 16 fields')
      .optional(),
  }),
]);
export type MessageBody = z.output<typeof messageBody>;
export type MessageType = MessageBody['type'];

/** camelCase body -> Agora's `type` and `body`. */
export function toWireBody(b: MessageBody): { type: string; body: Record<string, unknown> } {
  switch (b.type) {
    case 'text':
      return { type: 'txt', body: { msg: b.text } };
    case 'image':
      return {
        type: 'img',
        body: {
          url: b.url,
          filename: b.filename,
          secret: b.secret,
          ...(b.width !== undefined || b.height !== undefined ? { size: { width: b.width ?? 0, height: b.height ?? 0 } } : {}),
        },
      };
    case 'audio':
      return { type: 'audio', body: { url: b.url, filename: b.filename, secret: b.secret, length: b.durationSeconds } };
    case 'video':
      return {
        type: 'video',
        body: {
          url: b.url,
          filename: b.filename,
          secret: b.secret,
          length: b.durationSeconds,
          thumb: b.thumbnailUrl,
          thumb_secret: b.thumbnailSecret,
          file_length: b.fileLength,
        },
      };
    case 'file':
      return { type: 'file', body: { url: b.url, filename: b.filename, secret: b.secret } };
    case 'location':
      return { type: 'loc', body: { lat: String(b.latitude), lng: String(b.longitude), addr: b.address } };
    case 'command':
      return { type: 'cmd', body: { action: b.action } };
    case 'custom':
      return { type: 'custom', body: { customEvent: b.event, customExts: b.fields } };
  }
}

const TARGETS = {
  users: { path: 'users', max: CHAT_LIMITS.messageUsers, id: username },
  groups: { path: 'chatgroups', max: CHAT_LIMITS.messageGroups, id: resourceId('group id') },
  rooms: { path: 'chatrooms', max: CHAT_LIMITS.messageRooms, id: resourceId('room id') },
} as const;
export type TargetKind = keyof typeof TARGETS;

const recipients = (kind: TargetKind) =>
  z.array(TARGETS[kind].id).min(1, 'give at least one recipient').max(TARGETS[kind].max, `at most ${TARGETS[kind].max} ${kind} per message`);

const ext = z.record(z.string(), z.unknown());

const sendInput = z
  .object({
    /** The sender; Agora sends as "admin" when absent. */
    from: username.optional(),
    to: z.union([z.object({ users: recipients('users') }), z.object({ groups: recipients('groups') }), z.object({ rooms: recipients('rooms') })]),
    body: messageBody,
    ext: ext.optional(),
    /** Also deliver to the sender's other devices. */
    syncDevice: z.boolean().optional(),
    /** Deliver only to recipients online now; nothing is kept for offline ones. */
    onlineOnly: z.boolean().optional(),
    /** Chat rooms only: which messages Agora drops first under load. */
    roomPriority: z.enum(['high', 'normal', 'low']).optional(),
  })
  .superRefine((v, ctx) => {
    const size = Buffer.byteLength(JSON.stringify(toWireBody(v.body).body)) + (v.ext ? Buffer.byteLength(JSON.stringify(v.ext)) : 0);
    if (size > CHAT_LIMITS.messageBytes)
      ctx.addIssue({ code: 'custom', path: ['body'], message: `body and ext take ${size} bytes; Agora allows ${CHAT_LIMITS.messageBytes}` });
  });
export type SendMessageInput = z.input<typeof sendInput>;

const targetOf = (to: z.output<typeof sendInput>['to']): { kind: TargetKind; ids: string[] } =>
  'users' in to ? { kind: 'users', ids: to.users } : 'groups' in to ? { kind: 'groups', ids: to.groups } : { kind: 'rooms', ids: to.rooms };

/** Files are open to anyone with the link, and downloads are the file itself, unless asked otherwise. */
export const FILE_DEFAULTS = { restrictAccess: false, thumbnail: false } as const;

export function createChatMessages(ctx: ServiceContext) {
  return {
    /** Sends one message to each recipient; answers the message id Agora gave each recipient. */
    send: endpoint(ctx, {
      operation: 'chat.messages.send',
      budget: 'chat.messages.send',
      method: 'POST',
      replay: 'once',
      input: sendInput,
      path: (v) => `/messages/${TARGETS[targetOf(v.to).kind].path}`,
      json: (v) => ({
        from: v.from,
        to: targetOf(v.to).ids,
        ...toWireBody(v.body),
        ext: v.ext,
        sync_device: v.syncDevice,
        routetype: v.onlineOnly ? 'ROUTE_ONLINE' : undefined,
        chatroom_msg_level: v.roomPriority,
      }),
      response: envelope({ data: z.record(z.string(), z.string()) }),
      result: ({ data }): Record<string, string> => data.data,
    }),

    /**
     * Recalls a message within the app's recall window (2 minutes by default); `force` recalls it
     * whatever its age (moderation). A refusal is AgoraForbiddenError (window passed) or
     * AgoraNotFoundError (no such message).
     */
    recall: endpoint(ctx, {
      operation: 'chat.messages.recall',
      budget: 'chat.messages.recall',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({
        messageId: resourceId('messageId'),
        /** The conversation: the other user, the group or the room. */
        to: z.string().min(1).max(64),
        conversation: z.enum(['user', 'group', 'room']),
        from: username.optional(),
        force: z.boolean().optional(),
      }),
      path: () => '/messages/msg_recall',
      json: (v) => ({
        msg_id: v.messageId,
        to: v.to,
        chat_type: { user: 'chat', group: 'groupchat', room: 'chatroom' }[v.conversation],
        from: v.from,
        force: v.force,
      }),
      response: envelope({ data: z.object({ recalled: z.string(), msg_id: z.string().optional() }) }),
      result: ({ data, requestId }, v) => {
        if (data.data.recalled === 'yes') return true as const;
        const init = { service: 'chat' as const, operation: 'chat.messages.recall', status: 200, requestId, body: data };
        if (/not_found/.test(data.data.recalled)) {
          throw new AgoraNotFoundError({ ...init, agoraCode: 'message_not_found', message: `Message ${v.messageId} was not found, so it cannot be recalled` });
        }
        throw new AgoraForbiddenError({
          ...init,
          agoraCode: 'recall_refused',
          message: `Agora refused to recall message ${v.messageId}: ${data.data.recalled}`,
        });
      },
    }),

    /** Deletes a user's conversation with another user or a group from the server. */
    deleteConversation: endpoint(ctx, {
      operation: 'chat.messages.deleteConversation',
      budget: 'chat.messages.deleteConversation',
      method: 'DELETE',
      replay: 'idempotent',
      input: z.object({ username, with: z.string().min(1).max(64), conversation: z.enum(['user', 'group']), deleteRoaming: z.boolean().default(true) }),
      path: (v) => `/users/${enc(v.username)}/user_channel`,
      json: (v) => ({ channel: v.with, type: v.conversation === 'user' ? 'chat' : 'groupchat', delete_roam: v.deleteRoaming }),
      response: envelope({ data: z.object({ result: z.string() }) }),
      result: ({ data }) => data.data.result === 'ok',
    }),
  };
}

/** Agora keeps uploaded files and hourly history files; these are their shapes. */
export interface UploadedFile {
  uuid: string;
  /** Needed to download a file uploaded with restricted access. */
  secret: string | undefined;
}

/** One message of an hourly history export (agora-api.md §2.5). */
export interface ArchivedMessage {
  id: string;
  from: string;
  to: string;
  conversation: 'user' | 'group' | 'room';
  timestamp: number;
  bodies: Record<string, unknown>[];
  ext: Record<string, unknown> | undefined;
}

const archivedLine = z.object({
  msg_id: z.string(),
  timestamp: z.number(),
  from: z.string(),
  to: z.string(),
  chat_type: z.enum(['chat', 'groupchat', 'chatroom']),
  payload: z.object({ bodies: z.array(z.record(z.string(), z.unknown())), ext: z.record(z.string(), z.unknown()).optional() }),
});

/** `yyyyMMddHH` of a UTC hour. */
export const historyHour = (d: Date): string => d.toISOString().slice(0, 13).replace(/[-T]/g, '');

/** Agora answers history files as gzipped JSON lines; a bad line is contract drift. */
export function parseArchive(gz: Buffer): ArchivedMessage[] {
  const conversation = { chat: 'user', groupchat: 'group', chatroom: 'room' } as const;
  return gunzipSync(gz)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const m = archivedLine.parse(JSON.parse(line));
      return {
        id: m.msg_id,
        from: m.from,
        to: m.to,
        conversation: conversation[m.chat_type],
        timestamp: m.timestamp,
        bodies: m.payload.bodies,
        ext: m.payload.ext,
      };
    });
}

export function createChatFiles(ctx: ServiceContext) {
  const historyFile = endpoint(ctx, {
    operation: 'chat.messages.historyFile',
    budget: 'chat.messages.history',
    method: 'GET',
    replay: 'idempotent',
    input: z
      .date()
      .refine((d) => Date.now() - d.getTime() <= CHAT_LIMITS.historyRetentionMs && d.getTime() <= Date.now(), 'Agora keeps the last 3 days of history'),
    path: (hour) => `/chatmessages/${historyHour(hour)}`,
    response: envelope({ data: z.array(z.object({ url: z.url() })) }),
    result: ({ data }) => data.data.map((f) => f.url),
  });

  return {
    /** Uploads a file of at most 10 MB; with `restrictAccess`, downloads need the returned secret. */
    uploadFile: endpoint(ctx, {
      operation: 'chat.messages.uploadFile',
      budget: 'chat.files.upload',
      method: 'POST',
      replay: 'once',
      input: z.object({
        filename: z.string().min(1).max(256),
        content: z.instanceof(Buffer).refine((b) => b.length > 0 && b.length <= CHAT_LIMITS.fileBytes, 'a file is 1 byte to 10 MB'),
        contentType: z.string().default('application/octet-stream'),
        restrictAccess: z.boolean().default(FILE_DEFAULTS.restrictAccess),
      }),
      path: () => '/chatfiles',
      multipart: (v) => [{ name: 'file', value: v.content, filename: v.filename, contentType: v.contentType }],
      headers: (v): Record<string, string> => (v.restrictAccess ? { 'restrict-access': 'true' } : {}),
      response: envelope({ entities: z.array(z.object({ uuid: z.string(), 'share-secret': z.string().optional() })) }),
      result: ({ data }): UploadedFile => ({ uuid: data.entities[0]?.uuid ?? '', secret: data.entities[0]?.['share-secret'] }),
    }),

    /** Downloads a file (or its thumbnail) as bytes. */
    downloadFile: endpoint(ctx, {
      operation: 'chat.messages.downloadFile',
      budget: 'chat.files.download',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({
        uuid: resourceId('uuid'),
        // Sent as a header: refuse here what no share-secret looks like, rather than let the header be refused.
        secret: z
          .string()
          .min(1, 'secret must not be empty')
          .max(256, 'secret must be at most 256 characters')
          .regex(/^[\x21-\x7e]+$/, 'secret must be the share-secret Agora returned')
          .optional(),
        thumbnail: z.boolean().default(FILE_DEFAULTS.thumbnail),
      }),
      path: (v) => `/chatfiles/${enc(v.uuid)}`,
      headers: (v): Record<string, string> => ({ ...(v.secret ? { 'share-secret': v.secret } : {}), ...(v.thumbnail ? { thumbnail: 'true' } : {}) }),
      expect: 'bytes',
      response: z.instanceof(Buffer),
      result: ({ data }) => data,
    }),

    /** The download URLs of the history file of one UTC hour (at most 10 calls a minute; last 3 days). */
    historyFile,

    /** Fetches and parses the history file of one UTC hour: every message sent in it. */
    async downloadHistory(hour: Date, opts: CallOptions = {}): Promise<ArchivedMessage[]> {
      const urls = await historyFile(hour, opts);
      const files = await Promise.all(
        urls.map((url) => ctx.http.download(url, { operation: 'chat.messages.downloadHistory', signal: opts.signal, ledger: opts.ledger })),
      );
      return files.flatMap(parseArchive);
    },
  };
}
