/**
 * Agora Chat user attributes (agora-api.md §2.4): key/value strings per user, at most 2 KB per user.
 * Setting is form-encoded; reading many users' attributes takes at most 100 targets per call.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { username, usernames } from './schemas.ts';

export type Attributes = Record<string, string>;

const attributeKey = z.string().min(1, 'attribute names must not be empty').max(128, 'attribute names are at most 128 characters');
const attributes = z
  .record(attributeKey, z.string())
  .refine((a) => Object.keys(a).length > 0, 'give at least one attribute')
  .refine((a) => attributesSize(a) <= CHAT_LIMITS.metadataBytesPerUser, `a user's attributes take at most ${CHAT_LIMITS.metadataBytesPerUser} bytes`);

/** What Agora counts against the 2 KB: the UTF-8 bytes of every key and value. */
export const attributesSize = (a: Attributes): number => Object.entries(a).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/** The metadata endpoints answer a bare `{ timestamp, data, duration }`. */
const bare = <T extends z.ZodType>(data: T) => z.object({ timestamp: z.number().optional(), duration: z.number().optional(), data });

export function createChatMetadata(ctx: ServiceContext) {
  return {
    /** Sets (adds or replaces) the given attributes; others stay. Answers the attributes set. */
    set: endpoint(ctx, {
      operation: 'chat.metadata.set',
      budget: 'chat.metadata.set',
      method: 'PUT',
      replay: 'idempotent',
      input: z.object({ username, attributes }),
      path: (v) => `/metadata/user/${enc(v.username)}`,
      form: (v) => v.attributes,
      response: bare(z.record(z.string(), z.string())),
      result: ({ data }): Attributes => data.data,
    }),

    /** Every attribute of a user; `{}` when they have none (or do not exist). */
    get: endpoint(ctx, {
      operation: 'chat.metadata.get',
      budget: 'chat.metadata.get',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/metadata/user/${enc(u)}`,
      response: bare(z.record(z.string(), z.string())),
      result: ({ data }): Attributes => data.data,
    }),

    /** The named attributes of up to 100 users; users without any come back as `{}`. */
    getMany: endpoint(ctx, {
      operation: 'chat.metadata.getMany',
      budget: 'chat.metadata.getMany',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({
        usernames: usernames(CHAT_LIMITS.metadataTargets),
        keys: z.array(attributeKey).min(1, 'name at least one attribute').max(100),
      }),
      path: () => '/metadata/user/get',
      json: (v) => ({ targets: v.usernames, properties: v.keys }),
      response: bare(z.record(z.string(), z.record(z.string(), z.string()))),
      result: ({ data }, v): Record<string, Attributes> => Object.fromEntries(v.usernames.map((u) => [u, data.data[u] ?? {}])),
    }),

    delete: endpoint(ctx, {
      operation: 'chat.metadata.delete',
      budget: 'chat.metadata.delete',
      method: 'DELETE',
      replay: 'idempotent',
      input: username,
      path: (u) => `/metadata/user/${enc(u)}`,
      response: bare(z.boolean()),
      result: ({ data }) => data.data,
    }),

    /** Bytes used by every user's attributes in the app (at most 10 GB). */
    capacity: endpoint(ctx, {
      operation: 'chat.metadata.capacity',
      budget: 'chat.metadata.capacity',
      method: 'GET',
      replay: 'idempotent',
      input: z.undefined(),
      path: () => '/metadata/user/capacity',
      response: bare(z.number()),
      result: ({ data }) => data.data,
    }),
  };
}
