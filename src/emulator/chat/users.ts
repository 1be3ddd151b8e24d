/**
 * Chat users as the emulator serves them (agora-api.md §2.3): registration one and many (partial
 * success), get, list with cursors, delete one and oldest-first, ban and unban, force offline, online
 * state one and many, offline messages, and the push settings on PUT /users/{username}.
 */
import { z } from 'zod';
import { isLegalChatUsername } from '../rules.ts';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import { chatRoute, check, queryInt, bodyObject, type ChatHandlerContext } from './common.ts';
import { chatError, chatOk, cursorPage, illegal, notFound } from './envelope.ts';
import { userEntity } from './state.ts';
import type { EmulatorRequest, RouteSpec } from '../router.ts';

const registration = z.object({
  username: z.string(),
  password: z.string().optional(),
  nickname: z.string().optional(),
});

const pushSettings = z.object({
  nickname: z.string().max(100).optional(),
  notification_display_style: z.union([z.literal(0), z.literal(1)]).optional(),
  notification_no_disturbing: z.boolean().optional(),
  notification_no_disturbing_start: z.union([z.string(), z.number()]).optional(),
  notification_no_disturbing_end: z.union([z.string(), z.number()]).optional(),
});

const batchStatusBody = z.object({
  usernames: z
    .array(z.string())
    .min(1, 'usernames must not be empty')
    .max(CHAT_LIMITS.batchStatus, `usernames: at most ${CHAT_LIMITS.batchStatus} per request`),
});

export function chatUserRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const ok = (req: EmulatorRequest, fields: Parameters<typeof chatOk>[2]) => chatOk(req, ctx.project, fields);
  const userOf = (req: EmulatorRequest) => chat().users.get(req.params.username ?? req.params.owner_username ?? '');
  const missingUser = (name: string | undefined) => chatError(404, 'service_resource_not_found', `Service resource not found: user ${name ?? ''}`);

  const NO_USERNAME = "Entity 'user' requires a property named username.";

  function registerOne(req: EmulatorRequest) {
    const body = bodyObject(req) ?? {};
    if (typeof body.username !== 'string') return illegal(NO_USERNAME);
    const parsed = check(registration, body);
    if (!parsed.ok) return parsed.response;
    const { username, nickname } = parsed.value;
    if (!isLegalChatUsername(username)) return illegal(`${username} is not legal.`);
    if (chat().users.has(username)) {
      return chatError(
        400,
        'duplicate_unique_property_exists',
        `Application null Entity user requires that property named username be unique, value of ${username} exists.`,
      );
    }
    return ok(req, { action: 'post', entities: [userEntity(chat().addUser(username, { nickname }))] });
  }

  function registerMany(req: EmulatorRequest, body: unknown[]) {
    if (body.length === 0) return illegal('This is an invalid request.');
    if (body.length > CHAT_LIMITS.registerBatch) return illegal(`At most ${CHAT_LIMITS.registerBatch} users can be registered in one request.`);
    const created = [];
    const failed = [];
    for (const item of body) {
      const parsed = registration.safeParse(item);
      if (!parsed.success) return illegal(NO_USERNAME);
      const { username, nickname } = parsed.data;
      if (!isLegalChatUsername(username)) failed.push({ username, registerUserFailReason: `${username} is not legal` });
      else if (chat().users.has(username)) failed.push({ username, registerUserFailReason: `the ${username} already exists` });
      else created.push(userEntity(chat().addUser(username, { nickname })));
    }
    return ok(req, { action: 'post', entities: created, ...(failed.length ? { data: failed } : {}) });
  }

  return [
    chatRoute('chat.users.register', 'POST', '/users', (req) => (Array.isArray(req.body) ? registerMany(req, req.body) : registerOne(req))),
    chatRoute('chat.users.batchStatus', 'POST', '/users/batch/status', (req) => {
      const parsed = check(batchStatusBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      return ok(req, {
        action: 'get batch user status',
        data: parsed.value.usernames.map((u) => ({ [u]: chat().isOnline(u) ? 'online' : 'offline' })),
        count: 0,
      });
    }),
    chatRoute('chat.users.list', 'GET', '/users', (req) => {
      const limit = queryInt(req, 'limit', 10);
      if (limit === 'invalid' || limit < 1 || limit > CHAT_LIMITS.userListLimit) return illegal(`limit must be 1 to ${CHAT_LIMITS.userListLimit}`);
      const page = cursorPage(chat().users.values(), limit, req.query.get('cursor'));
      if (page === 'invalid') return illegal('The cursor is not valid.');
      return ok(req, { entities: page.page.map(userEntity), count: page.page.length, cursor: page.cursor });
    }),
    chatRoute('chat.users.deleteMany', 'DELETE', '/users', (req) => {
      const limit = queryInt(req, 'limit', 100);
      if (limit === 'invalid' || limit < 1 || limit > CHAT_LIMITS.userListLimit) return illegal(`limit must be 1 to ${CHAT_LIMITS.userListLimit}`);
      const oldest = [...chat().users.values()].sort((a, b) => a.seq - b.seq).slice(0, limit);
      for (const u of oldest) chat().deleteUser(u.username);
      const remaining = chat().users.size > 0;
      return ok(req, { entities: oldest.map(userEntity), count: oldest.length, cursor: remaining ? 'more' : undefined });
    }),
    chatRoute('chat.users.get', 'GET', '/users/:username', (req) => {
      const user = userOf(req);
      return user ? ok(req, { entities: [userEntity(user)], count: 1 }) : missingUser(req.params.username);
    }),
    chatRoute('chat.users.update', 'PUT', '/users/:username', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.username);
      const parsed = check(pushSettings, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const b = parsed.value;
      if (b.nickname !== undefined) user.nickname = b.nickname;
      if (b.notification_display_style !== undefined) user.displayStyle = b.notification_display_style;
      if (b.notification_no_disturbing !== undefined) {
        user.doNotDisturb = {
          enabled: b.notification_no_disturbing,
          start: String(b.notification_no_disturbing_start ?? 0),
          end: String(b.notification_no_disturbing_end ?? 0),
        };
      }
      user.modified = Date.now();
      return ok(req, { action: 'put', entities: [userEntity(user)] });
    }),
    chatRoute('chat.users.delete', 'DELETE', '/users/:username', (req) => {
      const user = chat().deleteUser(req.params.username ?? '');
      return user ? ok(req, { action: 'delete', entities: [userEntity(user)] }) : missingUser(req.params.username);
    }),
    chatRoute('chat.users.deactivate', 'POST', '/users/:username/deactivate', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.username);
      user.activated = false;
      user.devices = 0;
      return ok(req, { action: 'Deactivate user', entities: [userEntity(user)] });
    }),
    chatRoute('chat.users.activate', 'POST', '/users/:username/activate', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.username);
      user.activated = true;
      return ok(req, { action: 'activate user' });
    }),
    ...(['GET', 'POST'] as const).map((method) =>
      chatRoute(
        method === 'GET' ? 'chat.users.disconnect' : 'chat.users.disconnect.post',
        method,
        '/users/:username/disconnect',
        (req) => {
          const user = userOf(req);
          if (!user) return missingUser(req.params.username);
          chat().disconnect(user.username);
          return ok(req, { action: 'get', data: { result: true } });
        },
        'chat.users.disconnect',
      ),
    ),
    chatRoute('chat.users.status', 'GET', '/users/:username/status', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.username);
      return ok(req, { data: { [user.username]: chat().isOnline(user.username) ? 'online' : 'offline' }, count: 0 });
    }),
    chatRoute('chat.users.offlineMessageCount', 'GET', '/users/:owner_username/offline_msg_count', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.owner_username);
      return ok(req, { data: { [user.username]: chat().offlineQueues.get(user.username)?.size ?? 0 }, count: 0 });
    }),
    chatRoute('chat.users.offlineMessageStatus', 'GET', '/users/:username/offline_msg_status/:msg_id', (req) => {
      const user = userOf(req);
      if (!user) return missingUser(req.params.username);
      const id = req.params.msg_id ?? '';
      if (!chat().queuedFor.get(user.username)?.has(id)) return notFound(`message ${id} was never stored offline for ${user.username}`);
      const pending = chat().offlineQueues.get(user.username)?.has(id) ?? false;
      return ok(req, { data: { [id]: pending ? 'undelivered' : 'delivered' }, count: 0 });
    }),
  ];
}
