/**
 * Chat threads as the emulator serves them (agora-api.md §2.8): a thread starts on a message of a group
 * by a member of it; lists are cursor-paged (at most 50, newest first by default, cursor in
 * `properties.cursor`); members (group members only) are added and removed 10 at a time.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { isMember } from './collectives.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { chatOk, cursorPage, forbidden, illegal, notFound } from './envelope.ts';
import type { ThreadRecord } from './state.ts';

const name = z.string().min(1, 'name must not be empty').max(CHAT_LIMITS.threadNameMaxLength, `name is at most ${CHAT_LIMITS.threadNameMaxLength} characters`);
const createBody = z.object({ group_id: z.string().min(1), name, msg_id: z.string().min(1), owner: z.string().min(1) });
const membersBody = z.object({
  usernames: z
    .array(z.string())
    .min(1, 'usernames must not be empty')
    .max(CHAT_LIMITS.threadMembersBatch, `usernames: at most ${CHAT_LIMITS.threadMembersBatch} per request`),
});

export function chatThreadRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const entity = (t: ThreadRecord) => ({ id: t.id, name: t.name, owner: t.owner, groupId: t.groupId, msgId: t.msgId, created: t.created });

  const page = (req: EmulatorRequest, threads: Iterable<ThreadRecord>): EmulatorResponse => {
    const limit = queryInt(req, 'limit', CHAT_LIMITS.threadListLimit);
    if (limit === 'invalid' || limit < 1 || limit > CHAT_LIMITS.threadListLimit) return illegal(`limit must be 1 to ${CHAT_LIMITS.threadListLimit}`);
    const sort = req.query.get('sort') ?? 'desc';
    if (sort !== 'asc' && sort !== 'desc') return illegal('sort must be asc or desc');
    const result = cursorPage(threads, limit, req.query.get('cursor'), sort);
    if (result === 'invalid') return illegal('The cursor is not valid.');
    return chatOk(req, ctx.project, {
      entities: result.page.map(entity),
      count: result.page.length,
      properties: result.cursor ? { cursor: result.cursor } : {},
    });
  };

  const withThread = (handler: (req: EmulatorRequest, t: ThreadRecord) => EmulatorResponse) => (req: EmulatorRequest) => {
    const t = chat().threads.get(req.params.thread_id ?? '');
    return t ? handler(req, t) : notFound(`Service resource not found: thread ${req.params.thread_id ?? ''}`);
  };

  const removeMembers = withThread((req, t) => {
    const parsed = check(membersBody, bodyObject(req));
    if (!parsed.ok) return parsed.response;
    const data = parsed.value.usernames.map((user) => ({ result: user !== t.owner && t.members.delete(user), user }));
    return chatOk(req, ctx.project, { action: 'delete', data });
  });

  return [
    chatRoute('chat.threads.create', 'POST', '/thread', (req) => {
      const parsed = check(createBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const b = parsed.value;
      const group = chat().groups.get(b.group_id);
      if (!group) return notFound(`Service resource not found: group ${b.group_id}`);
      if (!isMember(group, b.owner)) return forbidden(`user ${b.owner} is not a member of group ${b.group_id}`);
      const message = chat().messages.get(b.msg_id);
      if (!message || message.chatType !== 'groupchat' || message.to !== b.group_id)
        return notFound(`message ${b.msg_id} is not a message of group ${b.group_id}`);
      const thread: ThreadRecord = {
        seq: chat().nextSeq(),
        id: chat().newId(),
        name: b.name,
        owner: b.owner,
        groupId: b.group_id,
        msgId: b.msg_id,
        created: Date.now(),
        members: new Set([b.owner]),
      };
      chat().threads.set(thread.id, thread);
      return chatOk(req, ctx.project, { action: 'post', data: { thread_id: thread.id } });
    }),
    chatRoute('chat.threads.list', 'GET', '/thread', (req) => page(req, chat().threads.values())),
    chatRoute('chat.threads.joined', 'GET', '/threads/user/:username', (req) =>
      page(
        req,
        [...chat().threads.values()].filter((t) => t.members.has(req.params.username ?? '')),
      ),
    ),
    chatRoute('chat.threads.joinedInGroup', 'GET', '/threads/chatgroups/:group_id/user/:username', (req) =>
      page(
        req,
        [...chat().threads.values()].filter((t) => t.groupId === req.params.group_id && t.members.has(req.params.username ?? '')),
      ),
    ),
    chatRoute(
      'chat.threads.update',
      'PUT',
      '/thread/:thread_id',
      withThread((req, t) => {
        const parsed = check(z.object({ name }), bodyObject(req));
        if (!parsed.ok) return parsed.response;
        t.name = parsed.value.name;
        return chatOk(req, ctx.project, { action: 'put', data: { name: t.name } });
      }),
    ),
    chatRoute(
      'chat.threads.delete',
      'DELETE',
      '/thread/:thread_id',
      withThread((req, t) => {
        chat().threads.delete(t.id);
        return chatOk(req, ctx.project, { action: 'delete', data: { success: true } });
      }),
    ),
    chatRoute(
      'chat.threads.members',
      'GET',
      '/thread/:thread_id/users',
      withThread((req, t) => {
        const members = [...t.members].map((u, i) => ({ seq: i + 1, u }));
        const limit = queryInt(req, 'limit', CHAT_LIMITS.threadListLimit);
        if (limit === 'invalid' || limit < 1 || limit > CHAT_LIMITS.threadListLimit) return illegal(`limit must be 1 to ${CHAT_LIMITS.threadListLimit}`);
        const result = cursorPage(members, limit, req.query.get('cursor'));
        if (result === 'invalid') return illegal('The cursor is not valid.');
        return chatOk(req, ctx.project, { data: { affiliations: result.page.map((m) => m.u) }, properties: result.cursor ? { cursor: result.cursor } : {} });
      }),
    ),
    chatRoute(
      'chat.threads.addMembers',
      'POST',
      '/thread/:thread_id/users',
      withThread((req, t) => {
        const parsed = check(membersBody, bodyObject(req));
        if (!parsed.ok) return parsed.response;
        const group = chat().groups.get(t.groupId);
        const outsider = parsed.value.usernames.find((u) => !group || !isMember(group, u));
        if (outsider) return forbidden(`user ${outsider} is not a member of group ${t.groupId}`);
        for (const u of parsed.value.usernames) t.members.add(u);
        return chatOk(req, ctx.project, { action: 'post', data: { status: 'ok' } });
      }),
    ),
    chatRoute('chat.threads.removeMembers', 'DELETE', '/thread/:thread_id/users', removeMembers),
    chatRoute('chat.threads.removeMembers.overview', 'DELETE', '/threads/:thread_id/users', removeMembers, 'chat.threads.removeMembers'),
  ];
}
