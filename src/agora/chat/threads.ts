/**
 * Agora Chat threads (agora-api.md §2.8): a thread hangs off a group message; lists are cursor-paged
 * (at most 50 a page, cursor in `properties.cursor`); members are added and removed 10 at a time.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { cursor, envelope, limit, resourceId, username, usernames, type CursorPage } from './schemas.ts';

const threadId = resourceId('threadId');
const groupId = resourceId('groupId');
const name = z
  .string()
  .min(1, 'name must not be empty')
  .max(CHAT_LIMITS.threadNameMaxLength, `a thread name is at most ${CHAT_LIMITS.threadNameMaxLength} characters`);

export interface ChatThread {
  id: string;
  name: string | undefined;
  owner: string | undefined;
  groupId: string | undefined;
  messageId: string | undefined;
  createdAt: number | undefined;
}

const threadWire = z.object({
  id: z.string(),
  name: z.string().optional(),
  owner: z.string().optional(),
  groupId: z.string().optional(),
  msgId: z.string().optional(),
  created: z.number().optional(),
});
const toThread = (t: z.infer<typeof threadWire>): ChatThread => ({
  id: t.id,
  name: t.name,
  owner: t.owner,
  groupId: t.groupId,
  messageId: t.msgId,
  createdAt: t.created,
});

const paging = { limit: limit(CHAT_LIMITS.threadListLimit, CHAT_LIMITS.threadListLimit), cursor, sort: z.enum(['asc', 'desc']).default('desc') };
const threadPage = envelope({ entities: z.array(threadWire), properties: z.object({ cursor: z.string().optional() }).optional() });
const toThreadPage = ({ data }: { data: z.infer<typeof threadPage> }): CursorPage<ChatThread> => ({
  items: data.entities.map(toThread),
  cursor: data.properties?.cursor,
});

export function createChatThreads(ctx: ServiceContext) {
  const members = z.object({ id: threadId, usernames: usernames(CHAT_LIMITS.threadMembersBatch) });
  return {
    /** Starts a thread on group message `messageId`, owned by `owner` (a group member). */
    create: endpoint(ctx, {
      operation: 'chat.threads.create',
      budget: 'chat.threads.create',
      method: 'POST',
      replay: 'once',
      input: z.object({ groupId, name, messageId: resourceId('messageId'), owner: username }),
      path: () => '/thread',
      json: (v) => ({ group_id: v.groupId, name: v.name, msg_id: v.messageId, owner: v.owner }),
      response: envelope({ data: z.object({ thread_id: z.string() }) }),
      result: ({ data }) => data.data.thread_id,
    }),
    update: endpoint(ctx, {
      operation: 'chat.threads.update',
      budget: 'chat.threads.update',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({ id: threadId, name }),
      path: (v) => `/thread/${enc(v.id)}`,
      json: (v) => ({ name: v.name }),
      response: envelope({ data: z.object({ name: z.string() }) }),
      result: ({ data }) => data.data.name,
    }),
    delete: endpoint(ctx, {
      operation: 'chat.threads.delete',
      budget: 'chat.threads.delete',
      method: 'DELETE',
      replay: 'idempotent',
      input: threadId,
      path: (id) => `/thread/${enc(id)}`,
      response: envelope({ data: z.object({ success: z.boolean() }) }),
      result: ({ data }) => data.data.success,
    }),
    /** Every thread in the app. */
    list: endpoint(ctx, {
      operation: 'chat.threads.list',
      budget: 'chat.threads.list',
      method: 'GET',
      replay: 'idempotent',
      input: z.object(paging).default({ limit: CHAT_LIMITS.threadListLimit, sort: 'desc' }),
      path: () => '/thread',
      query: (v) => ({ limit: v.limit, cursor: v.cursor, sort: v.sort }),
      response: threadPage,
      result: toThreadPage,
    }),
    /** The threads a user joined, in every group. */
    joined: endpoint(ctx, {
      operation: 'chat.threads.joined',
      budget: 'chat.threads.joined',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ username, ...paging }),
      path: (v) => `/threads/user/${enc(v.username)}`,
      query: (v) => ({ limit: v.limit, cursor: v.cursor, sort: v.sort }),
      response: threadPage,
      result: toThreadPage,
    }),
    /** The threads a user joined in one group. */
    joinedInGroup: endpoint(ctx, {
      operation: 'chat.threads.joinedInGroup',
      budget: 'chat.threads.joinedInGroup',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ username, groupId, ...paging }),
      path: (v) => `/threads/chatgroups/${enc(v.groupId)}/user/${enc(v.username)}`,
      query: (v) => ({ limit: v.limit, cursor: v.cursor, sort: v.sort }),
      response: threadPage,
      result: toThreadPage,
    }),
    members: endpoint(ctx, {
      operation: 'chat.threads.members',
      budget: 'chat.threads.members',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ id: threadId, limit: limit(CHAT_LIMITS.threadListLimit, CHAT_LIMITS.threadListLimit), cursor }),
      path: (v) => `/thread/${enc(v.id)}/users`,
      query: (v) => ({ limit: v.limit, cursor: v.cursor }),
      response: envelope({ data: z.object({ affiliations: z.array(z.string()) }), properties: z.object({ cursor: z.string().optional() }).optional() }),
      result: ({ data }): CursorPage<string> => ({ items: data.data.affiliations, cursor: data.properties?.cursor }),
    }),
    /** Adds up to 10 members (they must be members of the thread's group). */
    addMembers: endpoint(ctx, {
      operation: 'chat.threads.addMembers',
      budget: 'chat.threads.addMembers',
      method: 'POST',
      replay: 'idempotent',
      input: members,
      path: (v) => `/thread/${enc(v.id)}/users`,
      json: (v) => ({ usernames: v.usernames }),
      response: envelope({ data: z.object({ status: z.string() }) }),
      result: ({ data }) => data.data.status === 'ok',
    }),
    /** Removes up to 10 members; each user has its own result. */
    removeMembers: endpoint(ctx, {
      operation: 'chat.threads.removeMembers',
      budget: 'chat.threads.removeMembers',
      method: 'DELETE',
      replay: 'idempotent',
      input: members,
      path: (v) => `/thread/${enc(v.id)}/users`,
      json: (v) => ({ usernames: v.usernames }),
      response: envelope({ data: z.array(z.object({ user: z.string(), result: z.boolean() })) }),
      result: ({ data }) => data.data.map((r) => ({ username: r.user, removed: r.result })),
    }),
  };
}
