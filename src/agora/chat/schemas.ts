/**
 * Agora Chat shapes shared by every endpoint group: validated inputs (usernames, ids, paging) and the
 * wire envelopes (agora-api.md §2.2). Wire types stay snake_case inside src/agora; the modules map them.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../limits.ts';

/** agora-api.md §2.1: 1 to 64 characters of a-z 0-9 _ - . ; no uppercase. */
export const username = z
  .string({ error: 'username must be a string' })
  .min(1, 'username must not be empty')
  .max(CHAT_LIMITS.usernameMaxLength, `username must be at most ${CHAT_LIMITS.usernameMaxLength} characters`)
  .regex(/^[a-z0-9_.-]+$/, 'username may contain only lowercase letters a-z, digits, _, - and .');

export const usernames = (max: number, what = 'usernames') => z.array(username).min(1, `${what} must not be empty`).max(max, `at most ${max} ${what} per call`);

/** Group, room, thread and message ids are Agora-issued digit strings; we only refuse what cannot be one. */
export const resourceId = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(64, `${what} must be at most 64 characters`)
    .regex(/^[A-Za-z0-9_-]+$/, `${what} must be the id Agora returned`);

export const cursor = z.string().min(1).max(1024).optional();

export const limit = (max: number, fallback?: number) => {
  const base = z.number().int().min(1, 'limit must be at least 1').max(max, `limit must be at most ${max}`);
  return fallback === undefined ? base.optional() : base.default(fallback);
};

// ---- wire envelopes ----

/** The Usergrid-style success envelope: only the fields the client reads are declared. */
export const envelope = <T extends z.ZodRawShape>(shape: T) =>
  z.object({
    action: z.string().optional(),
    timestamp: z.number().optional(),
    duration: z.number().optional(),
    count: z.number().optional(),
    cursor: z.string().optional(),
    ...shape,
  });

export const userEntity = z.object({
  uuid: z.string(),
  type: z.string().optional(),
  created: z.number(),
  modified: z.number().optional(),
  username: z.string(),
  activated: z.boolean(),
  nickname: z.string().optional(),
  notification_display_style: z.number().optional(),
  notification_no_disturbing: z.boolean().optional(),
  notification_no_disturbing_start: z.union([z.string(), z.number()]).optional(),
  notification_no_disturbing_end: z.union([z.string(), z.number()]).optional(),
});
export type UserEntity = z.infer<typeof userEntity>;

/** What the rest of the code sees of a Chat user. */
export interface ChatUser {
  uuid: string;
  username: string;
  activated: boolean;
  nickname: string | undefined;
  createdAt: number;
  modifiedAt: number;
  push: {
    displayStyle: 'summary' | 'detail';
    doNotDisturb: { enabled: boolean; startHour: number; endHour: number } | undefined;
  };
}

export function toChatUser(e: UserEntity): ChatUser {
  return {
    uuid: e.uuid,
    username: e.username,
    activated: e.activated,
    nickname: e.nickname,
    createdAt: e.created,
    modifiedAt: e.modified ?? e.created,
    push: {
      displayStyle: e.notification_display_style === 1 ? 'detail' : 'summary',
      doNotDisturb:
        e.notification_no_disturbing === undefined
          ? undefined
          : {
              enabled: e.notification_no_disturbing,
              startHour: Number(e.notification_no_disturbing_start ?? 0),
              endHour: Number(e.notification_no_disturbing_end ?? 0),
            },
    },
  };
}

/** A page of a cursor-paged list: `cursor` is absent on the last page. */
export interface CursorPage<T> {
  items: T[];
  cursor: string | undefined;
}

/** A page of a page-number-paged list. */
export interface NumberedPage<T> {
  items: T[];
  /** The total count, where Agora reports one. */
  total: number | undefined;
}
