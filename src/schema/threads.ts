/** Threads started on group messages: the type, finding one by id, listings, and managing them. */
import { DENIED_HINT } from './scopes.ts';
import type { ChatThread } from '../agora/chat/threads.ts';
import { CHAT_LIMITS } from '../agora/limits.ts';
import { builder, type Context } from './builder.ts';
import { chatOf } from './common/chat.ts';
import { domainErrors } from './common/domain-errors.ts';
import { Group } from './collectives/types.ts';
import { cursorConnection, FORWARDS_ONLY } from './common/pagination.ts';
import { User, userOf } from './users/types.ts';
import { costRules } from './common/cost-rules.ts';

export const Thread = builder.objectRef<ChatThread>('Thread');

/** Agora has no read of one thread by id: scan the app's threads, newest first, page by page. */
async function findThread(id: string, ctx: Context): Promise<ChatThread | null> {
  let cursor: string | undefined;
  do {
    const page = await chatOf(ctx).threads.list({ limit: CHAT_LIMITS.threadListLimit, cursor, sort: 'desc' });
    const found = page.items.find((t) => t.id === id);
    if (found) return found;
    cursor = page.cursor;
  } while (cursor);
  return null;
}

builder.node(Thread, {
  authScopes: { user: true },
  description: 'A thread started on a group message.',
  id: { resolve: (t) => t.id },
  loadOne: (id, ctx) => findThread(id, ctx),
  fields: (t) => ({
    threadId: t.exposeString('id', { description: 'The Agora thread id.' }),
    name: t.string({ nullable: true, resolve: (th) => th.name ?? null }),
    owner: t.field({ type: User, nullable: true, resolve: (th) => (th.owner ? userOf(th.owner) : null) }),
    group: t.field({ type: Group, nullable: true, resolve: (th) => (th.groupId ? { kind: 'group' as const, id: th.groupId } : null) }),
    messageId: t.string({ nullable: true, description: 'The group message the thread hangs off.', resolve: (th) => th.messageId ?? null }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (th) => (th.createdAt ? new Date(th.createdAt) : null) }),
    members: t.connection({
      type: User,
      description: `The thread's members. ${FORWARDS_ONLY}`,
      resolve: async (th, args, ctx) => {
        const c = await cursorConnection(args, (cursor, limit) => chatOf(ctx).threads.members({ id: th.id, limit, cursor }), CHAT_LIMITS.threadListLimit);
        return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: userOf(e.node) })) };
      },
    }),
  }),
});

builder.queryFields((t) => ({
  thread: t.field({
    authScopes: { user: true },
    type: Thread,
    nullable: true,
    description: 'A thread by its Agora id; null when there is none. (Agora has no read by id: this scans the thread list.)',
    args: { threadId: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => findThread(args.threadId, ctx),
  }),
  threads: t.connection({
    authScopes: { user: true },
    type: Thread,
    description: `Every thread of the app, newest first. ${FORWARDS_ONLY}`,
    resolve: (_root, args, ctx) =>
      cursorConnection(args, (cursor, limit) => chatOf(ctx).threads.list({ limit, cursor, sort: 'desc' }), CHAT_LIMITS.threadListLimit),
  }),
}));

builder.objectFields(User, (t) => ({
  threads: t.connection({
    type: Thread,
    description: `The threads the user joined. ${FORWARDS_ONLY}`,
    resolve: (u, args, ctx) =>
      cursorConnection(args, (cursor, limit) => chatOf(ctx).threads.joined({ username: u.username, limit, cursor }), CHAT_LIMITS.threadListLimit),
  }),
}));

builder.objectFields(Group, (t) => ({
  threads: t.connection({
    type: Thread,
    description: `Threads of this group that \`member\` joined (Agora lists threads per member). ${FORWARDS_ONLY}`,
    args: { member: t.arg.string({ required: true }) },
    resolve: (g, args, ctx) =>
      cursorConnection(
        args,
        (cursor, limit) => chatOf(ctx).threads.joinedInGroup({ username: args.member, groupId: g.id, limit, cursor }),
        CHAT_LIMITS.threadListLimit,
      ),
  }),
}));

const CreateThreadInput = builder.inputType('CreateThreadInput', {
  fields: (t) => ({
    groupId: t.string({ required: true }),
    name: t.string({ required: true }),
    messageId: t.string({ required: true }),
    owner: t.string({ required: true }),
  }),
});

const MemberRemovalResult = builder.simpleObject('ThreadMemberRemoval', {
  authScopes: { public: true },
  fields: (t) => ({ username: t.string(), removed: t.boolean() }),
});

builder.mutationFields((t) => ({
  createThread: t.field({
    errors: domainErrors,
    type: Thread,
    authScopes: (_r, args) => ({ self: args.input.owner }),
    extensions: { [DENIED_HINT]: 'Create it with input.owner: "{me}".' },
    args: { input: t.arg({ type: CreateThreadInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const id = await chatOf(ctx).threads.create(input);
      return { id, name: input.name, owner: input.owner, groupId: input.groupId, messageId: input.messageId, createdAt: Date.now() };
    },
  }),
  renameThread: t.string({
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.update({ id: args.threadId, name: args.name }),
  }),
  deleteThread: t.boolean({
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }) },
    resolve: (_r, { threadId }, ctx) => chatOf(ctx).threads.delete(threadId),
  }),
  addThreadMembers: t.boolean({
    errors: domainErrors,
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.addMembers({ id: args.threadId, usernames: args.usernames }),
  }),
  removeThreadMembers: t.field({
    type: [MemberRemovalResult],
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.removeMembers({ id: args.threadId, usernames: args.usernames }),
  }),
}));

costRules({
  'Query.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  // Agora has no read of one thread: the list is scanned until it turns up.
  'Query.thread': { kind: 'call', estimated: true },
  'User.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  'Group.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  'Thread.members': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
});
