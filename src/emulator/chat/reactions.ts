/**
 * Chat reactions as the emulator serves them (agora-api.md §2.8): a participant of a message (sender,
 * receiver, or member of its group) reacts with an emoji id of at most 128 characters; at most 20
 * different reactions per message; reads of up to 20 messages; the users of one reaction, paged.
 * These answer `{ requestStatusCode, timestamp, data }`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { isMember } from './collectives.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { chatError, decodeCursor, encodeCursor, forbidden, illegal, notFound } from './envelope.ts';
import type { ChatMessageRecord, ReactionRecord } from './state.ts';

const PREVIEW_USERS = 3;
const answer = (data?: unknown): EmulatorResponse => ({
  status: 200,
  body: { requestStatusCode: 'ok', timestamp: Date.now(), ...(data === undefined ? {} : { data }) },
});
const createBody = z.object({
  msgId: z.string().min(1),
  message: z.string().min(1).max(CHAT_LIMITS.reactionMaxLength, `message is at most ${CHAT_LIMITS.reactionMaxLength} characters`),
});

export function chatReactionRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const canSee = (user: string, m: ChatMessageRecord): boolean => {
    if (m.from === user || (m.chatType === 'chat' && m.to === user)) return true;
    const c = m.chatType === 'groupchat' ? chat().groups.get(m.to) : m.chatType === 'chatroom' ? chat().rooms.get(m.to) : undefined;
    return c !== undefined && isMember(c, user);
  };
  const summary = (reaction: string, r: ReactionRecord, user: string) => ({
    reactionId: r.id,
    reaction,
    count: r.users.length,
    state: r.users.includes(user),
    userList: r.users.slice(0, PREVIEW_USERS),
  });
  const onMessage =
    (handler: (req: EmulatorRequest, user: string, m: ChatMessageRecord, msgId: string) => EmulatorResponse) => (req: EmulatorRequest, msgId: string) => {
      const user = req.params.userId ?? '';
      if (!chat().users.has(user)) return notFound(`Service resource not found: user ${user}`);
      const m = chat().messages.get(msgId);
      if (!m || m.recalled) return chatError(404, 'resource_not_found', `message ${msgId} not found`);
      if (!canSee(user, m)) return forbidden(`user ${user} is not a participant of message ${msgId}`);
      return handler(req, user, m, msgId);
    };

  const create = onMessage((req, user, _m, msgId) => {
    const reaction = String((bodyObject(req) ?? {}).message);
    let byReaction = chat().reactions.get(msgId);
    if (!byReaction) chat().reactions.set(msgId, (byReaction = new Map()));
    let r = byReaction.get(reaction);
    if (!r) {
      if (byReaction.size >= CHAT_LIMITS.reactionsPerMessage) return forbidden(`A message has at most ${CHAT_LIMITS.reactionsPerMessage} different reactions.`);
      byReaction.set(reaction, (r = { id: randomUUID(), users: [], created: Date.now() }));
    }
    if (!r.users.includes(user)) r.users.push(user);
    return answer({
      id: r.id,
      msgId,
      msgType: _m.chatType,
      groupId: _m.chatType === 'groupchat' ? _m.to : undefined,
      reaction,
      createdAt: r.created,
      updatedAt: Date.now(),
    });
  });

  const remove = onMessage((req, user, _m, msgId) => {
    const reaction = req.query.get('message') ?? '';
    const r = chat().reactions.get(msgId)?.get(reaction);
    if (!r?.users.includes(user)) return chatError(404, 'resource_not_found', `user ${user} has no reaction ${reaction} on message ${msgId}`);
    r.users = r.users.filter((u) => u !== user);
    if (r.users.length === 0) chat().reactions.get(msgId)?.delete(reaction);
    return answer();
  });

  const detail = onMessage((req, user, _m, msgId) => {
    const reaction = req.query.get('message') ?? '';
    const r = chat().reactions.get(msgId)?.get(reaction);
    if (!r) return chatError(404, 'resource_not_found', `no reaction ${reaction} on message ${msgId}`);
    const limit = queryInt(req, 'limit', 50);
    if (limit === 'invalid' || limit < 1 || limit > 100) return illegal('limit must be 1 to 100');
    const after = decodeCursor(req.query.get('cursor'));
    if (after === 'invalid') return illegal('The cursor is not valid.');
    const start = after === undefined ? 0 : after + 1;
    const users = r.users.slice(start, start + limit);
    const more = start + limit < r.users.length;
    return answer({ ...summary(reaction, r, user), userList: users, ...(more ? { cursor: encodeCursor(start + limit - 1) } : {}) });
  });

  return [
    chatRoute('chat.reactions.detail', 'GET', '/reaction/user/:userId/detail', (req) => detail(req, req.query.get('msgId') ?? '')),
    chatRoute('chat.reactions.create', 'POST', '/reaction/user/:userId', (req) => {
      const parsed = check(createBody, bodyObject(req));
      return parsed.ok ? create(req, parsed.value.msgId) : parsed.response;
    }),
    chatRoute('chat.reactions.delete', 'DELETE', '/reaction/user/:userId', (req) => remove(req, req.query.get('msgId') ?? '')),
    chatRoute('chat.reactions.list', 'GET', '/reaction/user/:userId', (req) => {
      const user = req.params.userId ?? '';
      if (!chat().users.has(user)) return notFound(`Service resource not found: user ${user}`);
      const ids = (req.query.get('msgIdList') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return illegal('msgIdList must not be empty');
      if (ids.length > CHAT_LIMITS.reactionMessageIds) return illegal(`msgIdList: at most ${CHAT_LIMITS.reactionMessageIds} messages`);
      const data = ids
        .filter((id) => {
          const m = chat().messages.get(id);
          return m !== undefined && canSee(user, m);
        })
        .map((id) => {
          const m = chat().messages.get(id)!;
          return {
            msgId: id,
            msgType: m.chatType,
            groupId: m.chatType === 'groupchat' ? m.to : undefined,
            reactionList: [...(chat().reactions.get(id) ?? [])].map(([reaction, r]) => summary(reaction, r, user)),
          };
        });
      return answer(data);
    }),
  ];
}
