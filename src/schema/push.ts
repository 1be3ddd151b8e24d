/** Push notifications: sends to users, to labels and to everyone, and the labels that group users. */
import type { PushMessage } from '../agora/chat/push.ts';
import { builder } from './builder.ts';
import { chatOf } from './common/chat.ts';
import { nullIfNotFound } from './common/errors.ts';
import { cursorConnection, FORWARDS_ONLY } from './common/pagination.ts';
import { costRules } from './common/cost-rules.ts';

const PushLabelUser = builder.simpleObject('PushLabelUser', {
  authScopes: { user: true },
  fields: (t) => ({ username: t.string(), addedAt: t.field({ type: 'DateTime' }) }),
});

const PushLabelNode = builder.objectRef<{ name: string; description: string; count: number; createdAt: number }>('PushLabelListing').implement({
  authScopes: { user: true },
  description: 'A push label, with the users under it.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    count: t.exposeInt('count'),
    createdAt: t.field({ type: 'DateTime', resolve: (l) => new Date(l.createdAt) }),
    users: t.connection({
      type: PushLabelUser,
      description: `The users with this label. ${FORWARDS_ONLY}`,
      resolve: async (l, args, ctx) => {
        const c = await cursorConnection(args, (cursor, limit) => chatOf(ctx).pushLabels.listUsers({ label: l.name, limit, cursor }), 100);
        return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: { username: e.node.username, addedAt: new Date(e.node.addedAt) } })) };
      },
    }),
    user: t.field({
      type: PushLabelUser,
      nullable: true,
      description: 'One user under the label; null when they are not under it.',
      args: { username: t.arg.string({ required: true }) },
      resolve: async (l, args, ctx) => {
        const found = await nullIfNotFound(chatOf(ctx).pushLabels.getUser({ label: l.name, username: args.username }));
        return found ? { username: found.username, addedAt: new Date(found.addedAt) } : null;
      },
    }),
  }),
});

const PushMessageInput = builder.inputType('PushMessageInput', {
  description: 'A title or content, or both.',
  fields: (t) => ({ title: t.string(), subtitle: t.string(), content: t.string(), ext: t.field({ type: 'JSON' }) }),
});

const PushResult = builder.simpleObject('PushResult', {
  authScopes: { public: true },
  fields: (t) => ({ username: t.string(), sent: t.boolean(), reason: t.string({ nullable: true }) }),
});

const PushLabel = builder.simpleObject('PushLabel', {
  authScopes: { public: true },
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    count: t.int({ description: 'Users under the label.' }),
    createdAt: t.field({ type: 'DateTime' }),
  }),
});

const LabelMembershipChange = builder.simpleObject('LabelMembershipChange', {
  authScopes: { public: true },
  fields: (t) => ({ succeeded: t.stringList(), failed: t.field({ type: 'JSON', description: 'username -> why' }) }),
});

type PushInput = { title?: string | null; subtitle?: string | null; content?: string | null; ext?: unknown };
const toPush = (m: PushInput): PushMessage => ({
  title: m.title ?? undefined,
  subtitle: m.subtitle ?? undefined,
  content: m.content ?? undefined,
  ext: (m.ext ?? undefined) as Record<string, string> | undefined,
});

builder.queryFields((t) => ({
  pushLabels: t.connection({
    type: PushLabelNode,
    authScopes: { admin: true },
    description: `Every push label of the app. ${FORWARDS_ONLY}`,
    resolve: (_r, args, ctx) => cursorConnection(args, (cursor, limit) => chatOf(ctx).pushLabels.list({ limit, cursor }), 100),
  }),
  pushLabel: t.field({
    type: PushLabel,
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: async (_r, { label }, ctx) => {
      const l = await chatOf(ctx).pushLabels.get(label);
      return { ...l, createdAt: new Date(l.createdAt) };
    },
  }),
}));

builder.mutationFields((t) => ({
  sendPushToUsers: t.field({
    type: [PushResult],
    authScopes: { admin: true },
    args: { users: t.arg.stringList({ required: true }), message: t.arg({ type: PushMessageInput, required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).push.sendToUsers({ users: args.users, message: toPush(args.message) }),
  }),
  sendPushByLabels: t.string({
    description: 'Starts a push task to the users under every given label; answers the task id.',
    authScopes: { admin: true },
    args: { labels: t.arg.stringList({ required: true }), message: t.arg({ type: PushMessageInput, required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).push.sendByLabels({ labels: args.labels, message: toPush(args.message) }),
  }),
  sendPushToAll: t.string({
    description: 'Starts a push task to every user (5 a minute, 100 a day, 3 ongoing).',
    authScopes: { admin: true },
    args: { message: t.arg({ type: PushMessageInput, required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).push.sendToAll({ message: toPush(args.message) }),
  }),
  createPushLabel: t.field({
    type: PushLabel,
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }), description: t.arg.string() },
    resolve: async (_r, args, ctx) => {
      const l = await chatOf(ctx).pushLabels.create({ label: args.label, description: args.description ?? undefined });
      return { ...l, createdAt: new Date(l.createdAt) };
    },
  }),
  deletePushLabel: t.boolean({
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: (_r, { label }, ctx) => chatOf(ctx).pushLabels.delete(label),
  }),
  addUsersToPushLabel: t.field({
    type: LabelMembershipChange,
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).pushLabels.addUsers(args),
  }),
  removeUsersFromPushLabel: t.field({
    type: LabelMembershipChange,
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).pushLabels.removeUsers(args),
  }),
}));

costRules({
  'Query.pushLabels': { kind: 'pages', pageSize: 100 },
  'Query.pushLabel': { kind: 'call' },
  'PushLabelListing.users': { kind: 'pages', pageSize: 100 },
  'PushLabelListing.user': { kind: 'call' },
});
