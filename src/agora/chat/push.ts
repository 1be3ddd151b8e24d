/**
 * Agora Chat push notifications and push labels (seed 004 "Push" and "Push label"). Sending to users is
 * synchronous per target; sending by label or to everyone starts a task (at most 3 ongoing at once;
 * to everyone also at most 5 a minute and 100 a day). Every push-label call shares one 100/s budget.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { cursor, envelope, limit, username, usernames, type CursorPage } from './schemas.ts';

export const pushMessage = z
  .object({
    title: z.string().max(256).optional(),
    subtitle: z.string().max(256).optional(),
    content: z.string().max(4096).optional(),
    /** Extra data the app receives with the notification. */
    ext: z.record(z.string(), z.string()).optional(),
  })
  .refine((m) => m.title || m.content, 'a push message needs a title or content');
export type PushMessage = z.input<typeof pushMessage>;

const toWirePush = (m: z.output<typeof pushMessage>) => ({ title: m.title, sub_title: m.subtitle, content: m.content, ext: m.ext });

const labelName = z
  .string()
  .min(1, 'label must not be empty')
  .max(64, 'a label is at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'a label is letters, digits, _ and -');

export interface PushLabel {
  name: string;
  description: string;
  count: number;
  createdAt: number;
}

const labelWire = z.object({ name: z.string(), description: z.string().optional(), count: z.number().optional(), createdAt: z.number().optional() });
const toLabel = (l: z.infer<typeof labelWire>): PushLabel => ({
  name: l.name,
  description: l.description ?? '',
  count: l.count ?? 0,
  createdAt: l.createdAt ?? 0,
});
const membership = envelope({ data: z.object({ success: z.array(z.string()), fail: z.record(z.string(), z.string()).optional() }) });
const toMembership = ({ data }: { data: z.infer<typeof membership> }) => ({ succeeded: data.data.success, failed: data.data.fail ?? {} });

export function createChatPush(ctx: ServiceContext) {
  const task = envelope({ data: z.object({ taskId: z.union([z.string(), z.number()]) }) });
  return {
    /** Notifies up to 100 users now; each target has its own outcome. */
    sendToUsers: endpoint(ctx, {
      operation: 'chat.push.sendToUsers',
      budget: 'chat.push.single',
      method: 'POST',
      replay: 'once',
      input: z.object({ users: usernames(CHAT_LIMITS.pushLabelUsersBatch, 'users'), message: pushMessage }),
      path: () => '/push/single',
      json: (v) => ({ targets: v.users, pushMessage: toWirePush(v.message) }),
      response: envelope({ data: z.array(z.object({ target: z.string(), pushStatus: z.string(), desc: z.string().optional() })) }),
      result: ({ data }) => data.data.map((r) => ({ username: r.target, sent: r.pushStatus === 'SUCCESS', reason: r.desc })),
    }),

    /** Starts a task notifying the users under every given label (their intersection). */
    sendByLabels: endpoint(ctx, {
      operation: 'chat.push.sendByLabels',
      budget: 'chat.push.label',
      method: 'POST',
      replay: 'once',
      input: z.object({ labels: z.array(labelName).min(1).max(5, 'at most 5 labels'), message: pushMessage }),
      path: () => '/push/list/label',
      json: (v) => ({ targets: v.labels, pushMessage: toWirePush(v.message) }),
      response: task,
      result: ({ data }) => String(data.data.taskId),
    }),

    /** Starts a task notifying every user of the app. */
    sendToAll: endpoint(ctx, {
      operation: 'chat.push.sendToAll',
      budget: ['chat.push.task', 'chat.push.task.daily'],
      method: 'POST',
      replay: 'once',
      input: z.object({ message: pushMessage }),
      path: () => '/push/task',
      json: (v) => ({ pushMessage: toWirePush(v.message) }),
      response: task,
      result: ({ data }) => String(data.data.taskId),
    }),
  };
}

export function createChatPushLabels(ctx: ServiceContext) {
  const label = (l: { label: string }) => `/push/label/${enc(l.label)}`;
  const members = z.object({ label: labelName, usernames: usernames(CHAT_LIMITS.pushLabelUsersBatch) });
  const call = { budget: 'chat.pushLabels', replay: 'idempotent' } as const;
  return {
    create: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.create',
      method: 'POST',
      replay: 'once',
      input: z.object({ label: labelName, description: z.string().max(255).default('') }),
      path: () => '/push/label',
      json: (v) => ({ name: v.label, description: v.description }),
      response: envelope({ data: labelWire }),
      result: ({ data }) => toLabel(data.data),
    }),
    get: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.get',
      method: 'GET',
      input: labelName,
      path: (l) => label({ label: l }),
      response: envelope({ data: labelWire }),
      result: ({ data }) => toLabel(data.data),
    }),
    list: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.list',
      method: 'GET',
      input: z.object({ limit: limit(100, 10), cursor }).default({ limit: 10 }),
      path: () => '/push/label',
      query: (v) => ({ limit: v.limit, cursor: v.cursor }),
      response: envelope({ data: z.array(labelWire) }),
      result: ({ data }): CursorPage<PushLabel> => ({ items: data.data.map(toLabel), cursor: data.cursor }),
    }),
    delete: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.delete',
      method: 'DELETE',
      input: labelName,
      path: (l) => label({ label: l }),
      response: envelope({ data: z.string() }),
      result: ({ data }) => data.data === 'success',
    }),
    /** Adds up to 100 users to a label; each user that could not be added comes back with why. */
    addUsers: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.addUsers',
      method: 'POST',
      input: members,
      path: (v) => `${label(v)}/user`,
      json: (v) => ({ usernames: v.usernames }),
      response: membership,
      result: toMembership,
    }),
    /** When `username` joined the label; AgoraNotFoundError when they are not under it. */
    getUser: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.getUser',
      method: 'GET',
      input: z.object({ label: labelName, username }),
      path: (v) => `${label(v)}/user/${enc(v.username)}`,
      response: envelope({ data: z.object({ username: z.string(), created: z.number() }) }),
      result: ({ data }) => ({ username: data.data.username, addedAt: data.data.created }),
    }),
    listUsers: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.listUsers',
      method: 'GET',
      input: z.object({ label: labelName, limit: limit(100, 10), cursor }),
      path: (v) => `${label(v)}/user`,
      query: (v) => ({ limit: v.limit, cursor: v.cursor }),
      response: envelope({ data: z.array(z.object({ username: z.string(), created: z.number() })) }),
      result: ({ data }): CursorPage<{ username: string; addedAt: number }> => ({
        items: data.data.map((u) => ({ username: u.username, addedAt: u.created })),
        cursor: data.cursor,
      }),
    }),
    removeUsers: endpoint(ctx, {
      ...call,
      operation: 'chat.pushLabels.removeUsers',
      method: 'DELETE',
      input: members,
      path: (v) => `${label(v)}/user`,
      json: (v) => ({ usernames: v.usernames }),
      response: membership,
      result: toMembership,
    }),
  };
}
