/**
 * Agora Chat users (seed 004 "User system integration" and the push settings on PUT /users/{username}),
 * per agora-api.md §2.3. Registration and deletion change state, so they are never replayed once they
 * may have reached Agora; reads retry.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { cursor, envelope, limit, resourceId, toChatUser, userEntity, username, usernames, type ChatUser, type CursorPage } from './schemas.ts';

const newUser = z.object({
  username,
  password: z.string().min(1).max(64).optional(),
  nickname: z.string().max(100, 'nickname must be at most 100 characters').optional(),
});
export type NewChatUser = z.input<typeof newUser>;

const one = z.object({ username });
const entitiesResponse = envelope({ entities: z.array(userEntity) });
const firstUser = ({ data }: { data: z.infer<typeof entitiesResponse> }): ChatUser => {
  const entity = data.entities[0];
  if (!entity) throw new Error('Agora answered without the user entity');
  return toChatUser(entity);
};

export type OnlineState = 'online' | 'offline';

/** Do-not-disturb from 0 to 0 is all day. */
export const DO_NOT_DISTURB_DEFAULTS = { startHour: 0, endHour: 0 } as const;

export function createChatUsers(ctx: ServiceContext) {
  /** The push settings are three uses of PUT /users/{username}, each with its own fields. */
  const update = <S extends z.ZodType<{ username: string }>>(operation: string, input: S, body: (v: z.output<S>) => Record<string, unknown>) =>
    endpoint(ctx, {
      operation,
      budget: 'chat.users.update',
      method: 'PUT',
      replay: 'idempotent',
      input,
      path: (v) => `/users/${enc(v.username)}`,
      json: body,
      response: entitiesResponse,
      result: firstUser,
    });

  return {
    /** Registers one user. Agora answers 400 duplicate_unique_property_exists when the name is taken. */
    register: endpoint(ctx, {
      operation: 'chat.users.register',
      budget: 'chat.users.register',
      method: 'POST',
      replay: 'once',
      input: newUser,
      path: () => '/users',
      json: (v) => v,
      response: entitiesResponse,
      result: firstUser,
    }),

    /** Registers up to 60 users; partial success: the names Agora refused come back with the reason. */
    registerMany: endpoint(ctx, {
      operation: 'chat.users.registerMany',
      budget: 'chat.users.register',
      method: 'POST',
      replay: 'once',
      input: z.array(newUser).min(1, 'give at least one user').max(CHAT_LIMITS.registerBatch, `at most ${CHAT_LIMITS.registerBatch} users per call`),
      path: () => '/users',
      json: (v) => v,
      response: envelope({
        entities: z.array(userEntity),
        data: z.array(z.object({ username: z.string(), registerUserFailReason: z.string() })).optional(),
      }),
      result: ({ data }) => ({
        created: data.entities.map(toChatUser),
        failed: (data.data ?? []).map((f) => ({ username: f.username, reason: f.registerUserFailReason })),
      }),
    }),

    get: endpoint(ctx, {
      operation: 'chat.users.get',
      budget: 'chat.users.get',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}`,
      response: entitiesResponse,
      result: firstUser,
    }),

    /** Users in registration order, up to 100 a page; `cursor` is absent on the last page. */
    list: endpoint(ctx, {
      operation: 'chat.users.list',
      budget: 'chat.users.list',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ limit: limit(CHAT_LIMITS.userListLimit, 10), cursor }).default({ limit: 10 }),
      path: () => '/users',
      query: (v) => ({ limit: v.limit, cursor: v.cursor }),
      response: envelope({ entities: z.array(userEntity) }),
      result: ({ data }): CursorPage<ChatUser> => ({ items: data.entities.map(toChatUser), cursor: data.cursor }),
    }),

    /** Deletes a user; the groups and rooms they own are deleted with them. */
    delete: endpoint(ctx, {
      operation: 'chat.users.delete',
      budget: 'chat.users.delete',
      method: 'DELETE',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}`,
      response: entitiesResponse,
      result: firstUser,
    }),

    /** Deletes up to `limit` users, oldest first. Repeat until `cursor` is absent to delete all. */
    deleteMany: endpoint(ctx, {
      operation: 'chat.users.deleteMany',
      budget: 'chat.users.deleteMany',
      method: 'DELETE',
      replay: 'once',
      input: z.object({ limit: limit(CHAT_LIMITS.userListLimit, 100) }).default({ limit: 100 }),
      path: () => '/users',
      query: (v) => ({ limit: v.limit }),
      response: envelope({ entities: z.array(userEntity) }),
      result: ({ data }): CursorPage<ChatUser> => ({ items: data.entities.map(toChatUser), cursor: data.cursor }),
    }),

    /** Bans a user: they are logged out and cannot log in until activated. */
    deactivate: endpoint(ctx, {
      operation: 'chat.users.deactivate',
      budget: 'chat.users.deactivate',
      method: 'POST',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/deactivate`,
      response: entitiesResponse,
      result: firstUser,
    }),

    activate: endpoint(ctx, {
      operation: 'chat.users.activate',
      budget: 'chat.users.activate',
      method: 'POST',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/activate`,
      response: envelope({}),
      result: () => true as const,
    }),

    /** Forces a user offline on every device; GET per the detailed page. */
    disconnect: endpoint(ctx, {
      operation: 'chat.users.disconnect',
      budget: 'chat.users.disconnect',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/disconnect`,
      response: envelope({ data: z.object({ result: z.boolean() }) }),
      result: ({ data }) => data.data.result,
    }),

    status: endpoint(ctx, {
      operation: 'chat.users.status',
      budget: 'chat.users.status',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/status`,
      response: envelope({ data: z.record(z.string(), z.enum(['online', 'offline'])) }),
      result: ({ data }, u): OnlineState => data.data[u] ?? 'offline',
    }),

    /** Online state of up to 100 users in one call. */
    batchStatus: endpoint(ctx, {
      operation: 'chat.users.batchStatus',
      budget: 'chat.users.batchStatus',
      method: 'POST',
      replay: 'idempotent',
      input: usernames(CHAT_LIMITS.batchStatus),
      path: () => '/users/batch/status',
      json: (v) => ({ usernames: v }),
      response: envelope({ data: z.array(z.record(z.string(), z.enum(['online', 'offline']))) }),
      result: ({ data }): Record<string, OnlineState> => Object.assign({}, ...data.data),
    }),

    offlineMessageCount: endpoint(ctx, {
      operation: 'chat.users.offlineMessageCount',
      budget: 'chat.users.offlineMessageCount',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/offline_msg_count`,
      response: envelope({ data: z.record(z.string(), z.number()) }),
      result: ({ data }, u) => data.data[u] ?? 0,
    }),

    offlineMessageStatus: endpoint(ctx, {
      operation: 'chat.users.offlineMessageStatus',
      budget: 'chat.users.offlineMessageStatus',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ username, messageId: resourceId('messageId') }),
      path: (v) => `/users/${enc(v.username)}/offline_msg_status/${enc(v.messageId)}`,
      response: envelope({ data: z.record(z.string(), z.enum(['delivered', 'undelivered'])) }),
      result: ({ data }, v) => data.data[v.messageId] ?? 'undelivered',
    }),

    /** The name push notifications show for this user. */
    setPushNickname: update('chat.users.setPushNickname', z.object({ username, nickname: z.string().min(1).max(100) }), (v) => ({
      nickname: v.nickname,
    })),

    /** Whether notifications show only "You have a new message" (summary) or the content (detail). */
    setPushDisplayStyle: update('chat.users.setPushDisplayStyle', z.object({ username, style: z.enum(['summary', 'detail']) }), (v) => ({
      notification_display_style: v.style === 'detail' ? 1 : 0,
    })),

    /** Do-not-disturb between two hours of the day (0 to 24); start and end equal means all day. */
    setDoNotDisturb: update(
      'chat.users.setDoNotDisturb',
      z.object({
        username,
        enabled: z.boolean(),
        startHour: z.number().int().min(0).max(24).default(DO_NOT_DISTURB_DEFAULTS.startHour),
        endHour: z.number().int().min(0).max(24).default(DO_NOT_DISTURB_DEFAULTS.endHour),
      }),
      (v) => ({
        notification_no_disturbing: v.enabled,
        notification_no_disturbing_start: String(v.startHour),
        notification_no_disturbing_end: String(v.endHour),
      }),
    ),
  };
}
