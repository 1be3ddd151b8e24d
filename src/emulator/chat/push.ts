/**
 * Chat push as the emulator serves it (seed 004 "Push", "Push label"): notifications to up to 100 users;
 * tasks by label or to everyone, at most 3 ongoing at once (a task lasts `pushTaskDurationMs`; a fourth
 * is refused with 403 exceed_limit); label
 * CRUD and membership of up to 100 users per call, all sharing one 100/s budget. Notifications land in
 * the state's push log for inspection.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { chatError, chatOk, cursorPage, illegal, notFound } from './envelope.ts';
import type { PushLabelRecord } from './state.ts';

const pushMessage = z
  .object({ title: z.string().optional(), sub_title: z.string().optional(), content: z.string().optional(), ext: z.record(z.string(), z.string()).optional() })
  .refine((m) => m.title || m.content, 'pushMessage needs a title or content');
const singleBody = z.object({
  targets: z
    .array(z.string())
    .min(1, 'targets must not be empty')
    .max(CHAT_LIMITS.pushLabelUsersBatch, `targets: at most ${CHAT_LIMITS.pushLabelUsersBatch} users`),
  pushMessage,
});
const labelBody = z.object({ targets: z.array(z.string()).min(1, 'targets must not be empty').max(5, 'targets: at most 5 labels'), pushMessage });
const taskBody = z.object({ pushMessage });
const createLabelBody = z.object({ name: z.string().min(1).max(64), description: z.string().max(255).optional() });
const usersBody = z.object({
  usernames: z
    .array(z.string())
    .min(1, 'usernames must not be empty')
    .max(CHAT_LIMITS.pushLabelUsersBatch, `usernames: at most ${CHAT_LIMITS.pushLabelUsersBatch} per request`),
});

export function chatPushRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const ok = (req: EmulatorRequest, fields: Parameters<typeof chatOk>[2]) => chatOk(req, ctx.project, fields);
  const labelView = (l: PushLabelRecord) => ({ name: l.name, description: l.description, count: l.users.size, createdAt: l.created });
  const notify = (usernames: Iterable<string>, m: z.output<typeof pushMessage>, taskId?: string) => {
    for (const username of usernames) {
      chat().pushes.push({ username, title: m.title, content: m.content, at: Date.now(), taskId });
      if (chat().pushes.length > 10_000) chat().pushes.shift();
    }
  };

  /** Starts a push task unless 3 are ongoing. */
  const startTask = (req: EmulatorRequest, recipients: () => Iterable<string>, m: z.output<typeof pushMessage>): EmulatorResponse => {
    const now = Date.now();
    chat().pushTasks = chat().pushTasks.filter((end) => end > now);
    if (chat().pushTasks.length >= CHAT_LIMITS.concurrentPushTasks) {
      // Agora does not document the answer; it answers its other plan limits with 403 exceed_limit,
      // and a concurrency cap is not a rate limit that a quick retry could pass.
      return chatError(403, 'exceed_limit', `At most ${CHAT_LIMITS.concurrentPushTasks} push tasks can be ongoing at once.`);
    }
    chat().pushTasks.push(now + ctx.settings.pushTaskDurationMs);
    const taskId = chat().newId();
    notify(recipients(), m, taskId);
    return ok(req, { action: 'post', data: { taskId } });
  };

  const withLabel = (handler: (req: EmulatorRequest, l: PushLabelRecord) => EmulatorResponse) => (req: EmulatorRequest) => {
    const l = chat().pushLabels.get(req.params.labelname ?? '');
    return l ? handler(req, l) : notFound(`push label ${req.params.labelname ?? ''} does not exist`);
  };
  const labelRoute = (op: string, method: string, path: string, handler: RouteSpec['handler']) =>
    chatRoute(`chat.pushLabels.${op}`, method, `/push/label${path}`, handler, 'chat.pushLabels');
  const pageSize = (req: EmulatorRequest) => {
    const limit = queryInt(req, 'limit', 10);
    return limit === 'invalid' || limit < 1 || limit > 100 ? undefined : limit;
  };

  return [
    chatRoute('chat.push.single', 'POST', '/push/single', (req) => {
      const parsed = check(singleBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const data = parsed.value.targets.map((target) =>
        chat().users.has(target) ? { target, pushStatus: 'SUCCESS' } : { target, pushStatus: 'FAIL', desc: `user ${target} does not exist` },
      );
      notify(
        data.filter((d) => d.pushStatus === 'SUCCESS').map((d) => d.target),
        parsed.value.pushMessage,
      );
      return ok(req, { action: 'post', data });
    }),
    chatRoute('chat.push.label', 'POST', '/push/list/label', (req) => {
      const parsed = check(labelBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const labels = parsed.value.targets.map((name) => chat().pushLabels.get(name));
      const missing = parsed.value.targets.find((_, i) => !labels[i]);
      if (missing !== undefined) return notFound(`push label ${missing} does not exist`);
      return startTask(req, () => [...labels[0]!.users.keys()].filter((u) => labels.every((l) => l!.users.has(u))), parsed.value.pushMessage);
    }),
    chatRoute(
      'chat.push.task',
      'POST',
      '/push/task',
      (req) => {
        const parsed = check(taskBody, bodyObject(req));
        return parsed.ok ? startTask(req, () => chat().users.keys(), parsed.value.pushMessage) : parsed.response;
      },
      ['chat.push.task', 'chat.push.task.daily'],
    ),
    labelRoute('create', 'POST', '', (req) => {
      const parsed = check(createLabelBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      if (chat().pushLabels.has(parsed.value.name)) return chatError(400, 'duplicate_unique_property_exists', `push label ${parsed.value.name} already exists`);
      const l: PushLabelRecord = {
        seq: chat().nextSeq(),
        name: parsed.value.name,
        description: parsed.value.description ?? '',
        created: Date.now(),
        users: new Map(),
      };
      chat().pushLabels.set(l.name, l);
      return ok(req, { action: 'post', data: labelView(l) });
    }),
    labelRoute('list', 'GET', '', (req) => {
      const limit = pageSize(req);
      if (limit === undefined) return illegal('limit must be 1 to 100');
      const page = cursorPage(chat().pushLabels.values(), limit, req.query.get('cursor'));
      return page === 'invalid' ? illegal('The cursor is not valid.') : ok(req, { data: page.page.map(labelView), cursor: page.cursor });
    }),
    labelRoute(
      'get',
      'GET',
      '/:labelname',
      withLabel((req, l) => ok(req, { data: labelView(l) })),
    ),
    labelRoute(
      'delete',
      'DELETE',
      '/:labelname',
      withLabel((req, l) => {
        chat().pushLabels.delete(l.name);
        return ok(req, { action: 'delete', data: 'success' });
      }),
    ),
    labelRoute(
      'getUser',
      'GET',
      '/:labelname/user/:member',
      withLabel((req, l) => {
        const entry = l.users.get(req.params.member ?? '');
        return entry
          ? ok(req, { data: { username: req.params.member, created: entry.created } })
          : notFound(`${req.params.member ?? ''} is not under push label ${l.name}`);
      }),
    ),
    labelRoute(
      'listUsers',
      'GET',
      '/:labelname/user',
      withLabel((req, l) => {
        const limit = pageSize(req);
        if (limit === undefined) return illegal('limit must be 1 to 100');
        const entries = [...l.users].map(([username, e]) => ({ ...e, username }));
        const page = cursorPage(entries, limit, req.query.get('cursor'));
        if (page === 'invalid') return illegal('The cursor is not valid.');
        return ok(req, { data: page.page.map((e) => ({ username: e.username, created: e.created })), cursor: page.cursor });
      }),
    ),
    ...(['addUsers', 'removeUsers'] as const).map((op) =>
      labelRoute(
        op,
        op === 'addUsers' ? 'POST' : 'DELETE',
        '/:labelname/user',
        withLabel((req, l) => {
          const parsed = check(usersBody, bodyObject(req));
          if (!parsed.ok) return parsed.response;
          const success: string[] = [];
          const fail: Record<string, string> = {};
          for (const u of parsed.value.usernames) {
            if (op === 'addUsers') {
              if (!chat().users.has(u)) fail[u] = 'user does not exist';
              else {
                if (!l.users.has(u)) l.users.set(u, { seq: chat().nextSeq(), created: Date.now() });
                success.push(u);
              }
            } else if (l.users.delete(u)) success.push(u);
            else fail[u] = 'user is not under this label';
          }
          return ok(req, { action: op === 'addUsers' ? 'post' : 'delete', data: { success, fail } });
        }),
      ),
    ),
  ];
}
