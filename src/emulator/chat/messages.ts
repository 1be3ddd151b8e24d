/**
 * Chat messages as the emulator serves them (agora-api.md §2.5): send per target type (and the legacy
 * single POST /messages with `target_type`), recall (both documented paths) within the recall window,
 * and delete a conversation. Delivery follows the simulated devices: online users receive at once,
 * offline users get it at their next connect (unless ROUTE_ONLINE), room messages reach only users
 * online in the room. Senders must be members (the "admin" sender excepted) and not globally muted;
 * a banned group takes no messages.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { isMember } from './collectives.ts';
import { bodyObject, chatRoute, check, type ChatHandlerContext } from './common.ts';
import { chatOk, forbidden, illegal, notFound } from './envelope.ts';
import type { ChatType } from './state.ts';

const WIRE_TYPES = ['txt', 'img', 'audio', 'video', 'file', 'loc', 'cmd', 'custom'] as const;

interface Target {
  chatType: ChatType;
  max: number;
  noun: string;
}

const TARGETS: Record<'users' | 'chatgroups' | 'chatrooms', Target> = {
  users: { chatType: 'chat', max: CHAT_LIMITS.messageUsers, noun: 'users' },
  chatgroups: { chatType: 'groupchat', max: CHAT_LIMITS.messageGroups, noun: 'groups' },
  chatrooms: { chatType: 'chatroom', max: CHAT_LIMITS.messageRooms, noun: 'chat rooms' },
};

const ADMIN = 'admin';

const sendBody = z.object({
  from: z.string().optional(),
  to: z.array(z.string().min(1)).min(1, 'to must not be empty'),
  type: z.enum(WIRE_TYPES, { error: `type must be one of ${WIRE_TYPES.join(', ')}` }),
  body: z.record(z.string(), z.unknown()),
  ext: z.record(z.string(), z.unknown()).optional(),
  sync_device: z.boolean().optional(),
  routetype: z.literal('ROUTE_ONLINE').optional(),
  chatroom_msg_level: z.enum(['high', 'normal', 'low']).optional(),
});
type SendBody = z.output<typeof sendBody>;

const legacyBody = z.object({
  target_type: z.enum(['users', 'chatgroups', 'chatrooms'], { error: "'Target_type' can only be 'users', 'chatgroups', or 'chatrooms'." }),
  target: z.array(z.string().min(1)).min(1),
  msg: z.looseObject({ type: z.enum(WIRE_TYPES) }),
  from: z.string().optional(),
  ext: z.record(z.string(), z.unknown()).optional(),
  routetype: z.literal('ROUTE_ONLINE').optional(),
});

const recallBody = z.object({
  msg_id: z.string().min(1),
  to: z.string().min(1),
  chat_type: z.enum(['chat', 'groupchat', 'chatroom']),
  from: z.string().optional(),
  force: z.boolean().optional(),
  sync_device: z.boolean().optional(),
});

const deleteConversationBody = z.object({ channel: z.string().min(1), type: z.enum(['chat', 'groupchat']), delete_roam: z.boolean().optional() });

/** The fields each body type requires (agora-api.md §2.5). */
const REQUIRED: Record<string, string[]> = {
  txt: ['msg'],
  img: ['url'],
  audio: ['url'],
  video: ['url'],
  file: ['url', 'filename'],
  loc: ['lat', 'lng', 'addr'],
  cmd: ['action'],
  custom: [],
};

export function chatMessageRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;

  function send(req: EmulatorRequest, target: Target, b: SendBody): EmulatorResponse {
    if (b.from === '') return illegal("'From' can't be empty.");
    const from = b.from ?? ADMIN;
    if (b.to.length > target.max) return illegal(`at most ${target.max} ${target.noun} per message`);
    const missing = REQUIRED[b.type]?.find((field) => b.body[field] === undefined || b.body[field] === '');
    if (missing) return illegal(`a ${b.type} message needs body.${missing}`);
    const size = Buffer.byteLength(JSON.stringify(b.body)) + (b.ext ? Buffer.byteLength(JSON.stringify(b.ext)) : 0);
    if (size > CHAT_LIMITS.messageBytes) return illegal('message is too large');
    if (from !== ADMIN) {
      if (!chat().users.has(from)) return notFound(`Service resource not found: user ${from}`);
      if (chat().isMuted(from, target.chatType)) return forbidden(`user ${from} is muted`);
    }
    const collectives = target.chatType === 'groupchat' ? chat().groups : target.chatType === 'chatroom' ? chat().rooms : undefined;
    const data: Record<string, string> = {};
    for (const to of b.to) {
      let recipients: string[];
      if (collectives) {
        const c = collectives.get(to);
        if (!c) return notFound(`Service resource not found: ${target.noun} ${to}`);
        if (c.disabled) return forbidden(`group ${to} is disabled`);
        if (from !== ADMIN && !isMember(c, from)) return forbidden(`user ${from} is not a member of ${to}`);
        if (from !== ADMIN && c.muteAll && from !== c.owner && !c.admins.has(from)) return forbidden(`${to} is muted`);
        recipients = [c.owner, ...c.members].filter((u) => u !== from);
      } else {
        // A user who blocked the sender does not receive their messages.
        recipients = chat().blocks.get(to)?.has(from) ? [] : [to];
      }
      const message = chat().addMessage({ from, to, chatType: target.chatType, type: b.type, body: b.body, ext: b.ext });
      // Room messages reach only members online now: rooms keep no offline messages.
      chat().deliver(message, recipients, b.routetype === 'ROUTE_ONLINE' || target.chatType === 'chatroom');
      data[to] = message.id;
    }
    return chatOk(req, ctx.project, { action: 'post', data });
  }

  const recall = (name: string, path: string) =>
    chatRoute(
      name,
      'POST',
      path,
      (req) => {
        const parsed = check(recallBody, bodyObject(req));
        if (!parsed.ok) return parsed.response;
        const b = parsed.value;
        const message = chat().messages.get(b.msg_id);
        const answer = (recalled: string) =>
          chatOk(req, ctx.project, { action: 'post', data: { recalled, chattype: b.chat_type, from: b.from ?? ADMIN, to: b.to, msg_id: b.msg_id } });
        if (!message || message.recalled || message.to !== b.to || message.chatType !== b.chat_type) return answer('not_found msg');
        if (!b.force && Date.now() - message.timestamp > ctx.settings.recallWindowMs) return answer('exceed call time limit');
        chat().recall(message);
        for (const inbox of chat().inboxes.values()) {
          const i = inbox.indexOf(message);
          if (i >= 0) inbox.splice(i, 1);
        }
        return answer('yes');
      },
      'chat.messages.recall',
    );

  return [
    ...(Object.keys(TARGETS) as (keyof typeof TARGETS)[]).map((path) =>
      chatRoute(
        'chat.messages.send',
        'POST',
        `/messages/${path}`,
        (req) => {
          const parsed = check(sendBody, bodyObject(req));
          return parsed.ok ? send(req, TARGETS[path], parsed.value) : parsed.response;
        },
        'chat.messages.send',
      ),
    ),
    chatRoute(
      'chat.messages.sendLegacy',
      'POST',
      '/messages',
      (req) => {
        const parsed = check(legacyBody, bodyObject(req));
        if (!parsed.ok) return parsed.response;
        const { target_type, target, msg, from, ext, routetype } = parsed.value;
        const { type, ...body } = msg;
        return send(req, TARGETS[target_type], { from, to: target, type, body, ext, routetype });
      },
      'chat.messages.send',
    ),
    recall('chat.messages.recall', '/messages/msg_recall'),
    recall('chat.messages.recall.overview', '/messages/recall'),
    chatRoute('chat.messages.deleteConversation', 'DELETE', '/users/:userName/user_channel', (req) => {
      const user = req.params.userName ?? '';
      if (!chat().users.has(user)) return notFound(`Service resource not found: user ${user}`);
      const parsed = check(deleteConversationBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const inbox = chat().inboxes.get(user);
      if (inbox) {
        const other = parsed.value.channel;
        const kept = inbox.filter((m) => !(m.to === other || (m.chatType === 'chat' && m.from === other)));
        inbox.splice(0, inbox.length, ...kept);
      }
      return chatOk(req, ctx.project, { action: 'delete', data: { result: 'ok' } });
    }),
  ];
}
