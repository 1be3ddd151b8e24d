/**
 * What Agora Chat groups (/chatgroups) and chat rooms (/chatrooms) share: lifecycle, details of up to
 * 100 ids per call, member pages (page number + page size), member adds and removes of up to 60 users
 * (removal is partial success: each user has a result), and admins (at most 99).
 * agora-api.md §2.6 and §2.7.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS, COLLECTIVE_WIRE } from '../limits.ts';
import { cursor, envelope, limit, resourceId, username, usernames, type CursorPage } from './schemas.ts';

export type CollectiveKind = 'group' | 'room';

export interface ChatCollective {
  kind: CollectiveKind;
  id: string;
  name: string;
  description: string;
  avatar: string;
  public: boolean;
  membersOnly: boolean;
  allowInvites: boolean;
  maxUsers: number;
  owner: string;
  createdAt: number;
  custom: string;
  /** Everyone but the owner and admins is muted. */
  allMuted: boolean;
  /** A banned group: nobody can send to it. */
  disabled: boolean;
  memberCount: number;
}

export interface CollectiveSummary {
  id: string;
  name: string;
  owner: string | undefined;
  memberCount: number | undefined;
}

export interface Membership {
  username: string;
  role: 'owner' | 'member';
}

export interface MemberPage {
  items: Membership[];
  /** Agora pages members by number and gives no total: a full page means there may be another. */
  hasMore: boolean;
}

export interface Removal {
  username: string;
  removed: boolean;
  reason: string | undefined;
}

const details = z.object({
  id: z.string(),
  name: z.string().optional(),
  description: z.string().optional(),
  avatar: z.string().optional(),
  membersonly: z.boolean().optional(),
  allowinvites: z.boolean().optional(),
  maxusers: z.number().optional(),
  owner: z.string(),
  created: z.number().optional(),
  custom: z.string().optional(),
  mute: z.boolean().optional(),
  affiliations_count: z.number().optional(),
  disabled: z.boolean().optional(),
  public: z.boolean().optional(),
});

const affiliation = z.union([z.object({ owner: z.string() }), z.object({ member: z.string() })]);

/** List answers name the owner `org#app_user` for groups. */
const ownerName = (owner: string | undefined): string | undefined => owner?.replace(/^[^#]+#[^_]+_/, '');

export const collectiveId = (kind: CollectiveKind) => resourceId(kind === 'group' ? 'groupId' : 'roomId');

export function createCollectiveEndpoints(ctx: ServiceContext, kind: CollectiveKind) {
  const w = COLLECTIVE_WIRE[kind];
  const id = collectiveId(kind);
  const op = (name: string) => `chat.${w.ops}.${name}`;
  const base = (v: { id: string }) => `/${w.collection}/${enc(v.id)}`;
  const withId = <T extends z.ZodRawShape>(shape: T) => z.object({ id, ...shape });

  return {
    /** Every group or room in the app, cursor-paged. */
    list: endpoint(ctx, {
      operation: op('list'),
      budget: op('list'),
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ limit: limit(w.listLimit, 10), cursor }).default({ limit: 10 }),
      path: () => `/${w.collection}`,
      query: (v) => ({ limit: v.limit, cursor: v.cursor }),
      response: envelope({
        data: z.array(
          z.object({
            groupid: z.string().optional(),
            id: z.string().optional(),
            groupname: z.string().optional(),
            name: z.string().optional(),
            owner: z.string().optional(),
            affiliations: z.number().optional(),
            affiliations_count: z.number().optional(),
          }),
        ),
      }),
      result: ({ data }): CursorPage<CollectiveSummary> => ({
        items: data.data.map((c) => ({
          id: c.groupid ?? c.id ?? '',
          name: c.groupname ?? c.name ?? '',
          owner: ownerName(c.owner),
          memberCount: c.affiliations ?? c.affiliations_count,
        })),
        cursor: data.cursor,
      }),
    }),

    /** The groups or rooms a user belongs to, page-number paged. */
    joined: endpoint(ctx, {
      operation: op('joined'),
      budget: op('joined'),
      method: 'GET',
      replay: 'idempotent',
      input: z.object({
        username,
        pageNum: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(w.joinedPageSize.max).default(w.joinedPageSize.fallback),
      }),
      path: (v) => `/users/${enc(v.username)}/joined_${w.collection}`,
      query: (v) => ({ pagenum: v.pageNum, pagesize: v.pageSize }),
      response: envelope({
        data: z.array(z.object({ groupid: z.string().optional(), id: z.string().optional(), groupname: z.string().optional(), name: z.string().optional() })),
        total: z.number().optional(),
      }),
      result: ({ data }, v) => ({
        items: data.data.map((c): CollectiveSummary => ({
          id: c.groupid ?? c.id ?? '',
          name: c.groupname ?? c.name ?? '',
          owner: undefined,
          memberCount: undefined,
        })),
        hasMore: data.total === undefined ? data.data.length === v.pageSize : v.pageNum * v.pageSize < data.total,
        total: data.total,
      }),
    }),

    /** Details of up to 100 groups or rooms in one call; ids Agora does not know are left out. */
    details: endpoint(ctx, {
      operation: op('details'),
      budget: op('details'),
      method: 'GET',
      replay: 'idempotent',
      input: z.array(id).min(1, 'give at least one id').max(CHAT_LIMITS.groupDetailsIds, `at most ${CHAT_LIMITS.groupDetailsIds} ids per call`),
      path: (ids) => `/${w.collection}/${ids.map(enc).join(',')}`,
      response: envelope({ data: z.array(details) }),
      result: ({ data }): ChatCollective[] =>
        data.data.map((d) => ({
          kind,
          id: d.id,
          name: d.name ?? '',
          description: d.description ?? '',
          avatar: d.avatar ?? '',
          public: d.public ?? true,
          membersOnly: d.membersonly ?? false,
          allowInvites: d.allowinvites ?? false,
          maxUsers: d.maxusers ?? 0,
          owner: d.owner,
          createdAt: d.created ?? 0,
          custom: d.custom ?? '',
          allMuted: d.mute ?? false,
          disabled: d.disabled ?? false,
          memberCount: d.affiliations_count ?? 0,
        })),
    }),

    delete: endpoint(ctx, {
      operation: op('delete'),
      budget: op('delete'),
      method: 'DELETE',
      replay: 'idempotent',
      input: id,
      path: (v) => base({ id: v }),
      response: envelope({ data: z.object({ success: z.boolean() }) }),
      result: ({ data }) => data.data.success,
    }),

    /** Members, the owner first; page numbers start at 1. */
    members: endpoint(ctx, {
      operation: op('members'),
      budget: op('members'),
      method: 'GET',
      replay: 'idempotent',
      input: withId({
        pageNum: z.number().int().min(1).default(1),
        pageSize: z.number().int().min(1).max(w.memberPageSize.max).default(w.memberPageSize.fallback),
      }),
      path: (v) => `${base(v)}/users`,
      query: (v) => ({ pagenum: v.pageNum, pagesize: v.pageSize }),
      response: envelope({ data: z.array(affiliation) }),
      result: ({ data }, v): MemberPage => ({
        items: data.data.map((a) => ('owner' in a ? { username: a.owner, role: 'owner' } : { username: a.member, role: 'member' })),
        hasMore: data.data.length === v.pageSize,
      }),
    }),

    addMember: endpoint(ctx, {
      operation: op('addMember'),
      budget: op('addMember'),
      method: 'POST',
      replay: 'idempotent',
      input: withId({ username }),
      path: (v) => `${base(v)}/users/${enc(v.username)}`,
      response: envelope({ data: z.object({ result: z.boolean() }) }),
      result: ({ data }) => data.data.result,
    }),

    /** Adds up to 60 members; answers the users that were added (members already in are skipped). */
    addMembers: endpoint(ctx, {
      operation: op('addMembers'),
      budget: op('addMembers'),
      method: 'POST',
      replay: 'idempotent',
      input: withId({ usernames: usernames(CHAT_LIMITS.memberBatch) }),
      path: (v) => `${base(v)}/users`,
      json: (v) => ({ usernames: v.usernames }),
      response: envelope({ data: z.object({ newmembers: z.array(z.string()) }) }),
      result: ({ data }) => data.data.newmembers,
    }),

    /** Removes one member; the owner cannot be removed (403). */
    removeMember: endpoint(ctx, {
      operation: op('removeMember'),
      budget: op('removeMembers'),
      method: 'DELETE',
      replay: 'idempotent',
      input: withId({ username }),
      path: (v) => `${base(v)}/users/${enc(v.username)}`,
      response: envelope({ data: z.object({ result: z.boolean() }) }),
      result: ({ data }) => data.data.result,
    }),

    /** Removes up to 60 members; each user has its own result (partial success). */
    removeMembers: endpoint(ctx, {
      operation: op('removeMembers'),
      budget: op('removeMembers'),
      method: 'DELETE',
      replay: 'idempotent',
      input: withId({ usernames: usernames(CHAT_LIMITS.memberBatch) }),
      path: (v) => `${base(v)}/users/${v.usernames.map(enc).join(',')}`,
      response: envelope({
        data: z.union([
          z.array(z.object({ user: z.string(), result: z.boolean(), reason: z.string().optional() })),
          z.object({ user: z.string(), result: z.boolean(), reason: z.string().optional() }),
        ]),
      }),
      result: ({ data }): Removal[] =>
        (Array.isArray(data.data) ? data.data : [data.data]).map((r) => ({ username: r.user, removed: r.result, reason: r.reason })),
    }),

    admins: endpoint(ctx, {
      operation: op('admins'),
      budget: op('admins'),
      method: 'GET',
      replay: 'idempotent',
      input: id,
      path: (v) => `${base({ id: v })}/admin`,
      response: envelope({ data: z.array(z.string()) }),
      result: ({ data }) => data.data,
    }),

    /** Makes a member an admin (at most 99 admins). */
    addAdmin: endpoint(ctx, {
      operation: op('addAdmin'),
      budget: op('addAdmin'),
      method: 'POST',
      replay: 'idempotent',
      input: withId({ username }),
      path: (v) => `${base(v)}/admin`,
      json: (v) => ({ newadmin: v.username }),
      response: envelope({ data: z.object({ result: z.string() }) }),
      result: ({ data }) => data.data.result === 'success',
    }),

    removeAdmin: endpoint(ctx, {
      operation: op('removeAdmin'),
      budget: op('removeAdmin'),
      method: 'DELETE',
      replay: 'idempotent',
      input: withId({ username }),
      path: (v) => `${base(v)}/admin/${enc(v.username)}`,
      response: envelope({ data: z.object({ result: z.string() }) }),
      result: ({ data }) => data.data.result === 'success',
    }),
  };
}

/** Optional fields a create or update may set, with the documented maxima. */
export const collectiveFields = {
  name: z.string().max(128, 'name must be at most 128 characters'),
  description: z.string().max(512, 'description must be at most 512 characters'),
  avatar: z.string().max(1024, 'avatar must be at most 1024 characters'),
  custom: z.string().max(8192, 'custom must be at most 8 KB'),
};
