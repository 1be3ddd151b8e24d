/**
 * Agora Chat presence (agora-api.md §2.8): a user's status per device (`resource`) with an ext of at most
 * 1 KB; subscriptions (at most 100 users per call, up to 30 days); the presence of up to 100 users in
 * one call; a user's subscription list. All at 50 calls/s.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { username, usernames } from './schemas.ts';

export interface Presence {
  username: string;
  /** Status per device resource: "0" offline, "1" online, or an app-defined value. */
  devices: Record<string, string>;
  /** True when any device reports "1". */
  online: boolean;
  ext: string;
  /** When the status last changed, epoch ms. */
  lastChangedAt: number;
  /** For subscriptions: when the subscription ends, epoch ms. */
  expiresAt: number | undefined;
}

const presenceWire = z.object({
  uid: z.string(),
  last_time: z.union([z.number(), z.string()]).optional(),
  expiry: z.union([z.number(), z.string()]).optional(),
  ext: z.string().optional(),
  status: z.record(z.string(), z.string()).optional(),
});

/** Agora gives presence times in seconds. */
const seconds = (v: number | string | undefined): number | undefined => (v === undefined || v === '' ? undefined : Number(v) * 1000);

const toPresence = (p: z.infer<typeof presenceWire>): Presence => ({
  username: p.uid,
  devices: p.status ?? {},
  online: Object.values(p.status ?? {}).includes('1'),
  ext: p.ext ?? '',
  lastChangedAt: seconds(p.last_time) ?? 0,
  expiresAt: seconds(p.expiry),
});

const resultOf = <T extends z.ZodType>(result: T) => z.object({ result });
const presenceList = resultOf(z.array(presenceWire));

/** A status set without a note clears it. */
export const PRESENCE_DEFAULTS = { ext: '' } as const;

export function createChatPresence(ctx: ServiceContext) {
  return {
    /** Sets a user's status on one device resource (e.g. "android_123"). */
    set: endpoint(ctx, {
      operation: 'chat.presence.set',
      budget: 'chat.presence.set',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({
        username,
        resource: z.string().min(1).max(64),
        status: z.string().min(1).max(64),
        ext: z
          .string()
          .refine((e) => Buffer.byteLength(e) <= CHAT_LIMITS.presenceExtBytes, `ext is at most ${CHAT_LIMITS.presenceExtBytes} bytes`)
          .default(PRESENCE_DEFAULTS.ext),
      }),
      path: (v) => `/users/${enc(v.username)}/presence/${enc(v.resource)}/${enc(v.status)}`,
      json: (v) => ({ ext: v.ext }),
      response: resultOf(z.string()),
      result: ({ data }) => data.result === 'ok',
    }),

    /** Subscribes `username` to the presence of up to 100 users for `expirySeconds` (at most 30 days). */
    subscribe: endpoint(ctx, {
      operation: 'chat.presence.subscribe',
      budget: 'chat.presence.subscribe',
      method: 'POST',
      replay: 'idempotent',
      input: z
        .object({
          username,
          users: usernames(CHAT_LIMITS.presenceUsers, 'users'),
          expirySeconds: z.number().int().min(1).max(CHAT_LIMITS.presenceMaxExpirySeconds, 'a subscription lasts at most 30 days'),
        })
        .refine((v) => !v.users.includes(v.username), { message: 'a user cannot subscribe to themselves', path: ['users'] }),
      path: (v) => `/users/${enc(v.username)}/presence/${v.expirySeconds}`,
      json: (v) => ({ usernames: v.users }),
      response: presenceList,
      result: ({ data }) => data.result.map(toPresence),
    }),

    /** The presence of up to 100 users, in the order asked; the DataLoader's batch function. */
    getMany: endpoint(ctx, {
      operation: 'chat.presence.getMany',
      budget: 'chat.presence.getMany',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({ username, users: usernames(CHAT_LIMITS.presenceUsers, 'users') }),
      path: (v) => `/users/${enc(v.username)}/presence`,
      json: (v) => ({ usernames: v.users }),
      response: presenceList,
      result: ({ data }, v): Presence[] => {
        const byUser = new Map(data.result.map((p) => [p.uid, toPresence(p)]));
        return v.users.map((u) => byUser.get(u) ?? { username: u, devices: {}, online: false, ext: '', lastChangedAt: 0, expiresAt: undefined });
      },
    }),

    unsubscribe: endpoint(ctx, {
      operation: 'chat.presence.unsubscribe',
      budget: 'chat.presence.unsubscribe',
      method: 'DELETE',
      replay: 'idempotent',
      input: z.object({ username, users: usernames(CHAT_LIMITS.presenceUsers, 'users') }),
      path: (v) => `/users/${enc(v.username)}/presence`,
      json: (v) => v.users,
      response: resultOf(z.string()),
      result: ({ data }) => data.result === 'ok',
    }),

    /** Whom `username` subscribes to, page by page (page size at most 500). */
    subscriptions: endpoint(ctx, {
      operation: 'chat.presence.subscriptions',
      budget: 'chat.presence.subscriptions',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({
        username,
        pageNum: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(CHAT_LIMITS.presenceSublistPageSize).default(100),
      }),
      path: (v) => `/users/${enc(v.username)}/presence/sublist`,
      query: (v) => ({ pageNum: v.pageNum, pageSize: v.pageSize }),
      response: resultOf(
        z.object({ totalnum: z.union([z.string(), z.number()]), sublist: z.array(z.object({ uid: z.string(), expiry: z.union([z.string(), z.number()]) })) }),
      ),
      result: ({ data }) => ({
        total: Number(data.result.totalnum),
        items: data.result.sublist.map((s) => ({ username: s.uid, expiresAt: seconds(s.expiry) ?? 0 })),
      }),
    }),
  };
}
