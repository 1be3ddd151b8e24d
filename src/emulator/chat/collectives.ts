/**
 * Chat groups (/chatgroups) and chat rooms (/chatrooms) as the emulator serves them (agora-api.md §2.6,
 * §2.7). Both have the same lifecycle, membership and admin endpoints; COLLECTIVE_WIRE holds what differs.
 * Documented rules: at most 100 ids per details call, 60 users per member add or remove, 99 admins;
 * the owner cannot be removed; partial success answers 200 with a per-user `result` and `reason`.
 */
import { z } from 'zod';
import { CHAT_LIMITS, COLLECTIVE_WIRE } from '../../agora/limits.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { chatError, chatOk, cursorPage, forbidden, illegal, notFound } from './envelope.ts';
import type { CollectiveRecord } from './state.ts';

type Kind = (typeof COLLECTIVE_WIRE)[CollectiveRecord['kind']];

const text = (max: number, what: string) => z.string().max(max, `${what} must be at most ${max} characters`);

function createBody(k: Kind) {
  return z.object({
    // Groups call it groupname, rooms name; only the kind's own field is read.
    groupname: text(128, 'groupname').optional(),
    name: text(128, 'name').optional(),
    avatar: text(1024, 'avatar').optional(),
    description: text(512, 'description').optional(),
    public: z.boolean().optional(),
    maxusers: z.number().int().min(1).max(k.maxUsers.max, `maxusers must be at most ${k.maxUsers.max}`).optional(),
    allowinvites: z.boolean().optional(),
    membersonly: z.boolean().optional(),
    invite_need_confirm: z.boolean().optional(),
    owner: z.string({ error: 'owner is required' }).min(1, 'owner is required'),
    members: z.array(z.string()).optional(),
    custom: text(8192, 'custom').optional(),
  });
}

const updateBody = (k: Kind) =>
  createBody(k)
    .omit({ owner: true, members: true, ...(k.nameField === 'groupname' ? { name: true } : { groupname: true }) })
    .extend({ newowner: z.string().optional() })
    .partial();
const usernamesBody = z.object({
  usernames: z
    .array(z.string())
    .min(1, 'usernames must not be empty')
    .max(CHAT_LIMITS.memberBatch, `usernames: at most ${CHAT_LIMITS.memberBatch} per request`),
});
const newAdminBody = z.object({ newadmin: z.string({ error: 'newadmin is required' }) });

/** `[{ owner }, { member }, ...]`: the owner first, then members in joining order. */
export const affiliations = (c: CollectiveRecord) => [{ owner: c.owner }, ...[...c.members].map((m) => ({ member: m }))];
export const memberCount = (c: CollectiveRecord) => c.members.size + 1;
export const isMember = (c: CollectiveRecord, user: string) => c.owner === user || c.members.has(user);

export function detailsOf(c: CollectiveRecord) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    avatar: c.avatar,
    membersonly: c.membersOnly,
    allowinvites: c.allowInvites,
    invite_need_confirm: c.inviteNeedConfirm,
    maxusers: c.maxUsers,
    owner: c.owner,
    created: c.created,
    custom: c.custom,
    mute: c.muteAll,
    affiliations_count: memberCount(c),
    disabled: c.disabled,
    public: c.public,
    affiliations: affiliations(c),
  };
}

export function collectiveRoutes(ctx: ChatHandlerContext, kind: CollectiveRecord['kind']): RouteSpec[] {
  const k = COLLECTIVE_WIRE[kind];
  const map = () => ctx.state.chat.collectives(kind);
  const users = () => ctx.state.chat.users;
  const ok = (req: EmulatorRequest, fields: Parameters<typeof chatOk>[2]) => chatOk(req, ctx.project, fields);
  const route = (op: string, method: string, path: string, handler: RouteSpec['handler']) =>
    chatRoute(`chat.${k.ops}.${op}`, method, `/${k.collection}${path}`, handler);
  const missingUser = (names: string[]): EmulatorResponse | undefined => {
    const absent = names.find((n) => !users().has(n));
    return absent === undefined ? undefined : notFound(`Service resource not found: user ${absent}`);
  };

  /** Finds the collective named by the `id` path parameter, or answers 404. */
  const withCollective = (handler: (req: EmulatorRequest, c: CollectiveRecord) => EmulatorResponse | Promise<EmulatorResponse>) => (req: EmulatorRequest) => {
    const c = map().get(req.params.id ?? '');
    return c ? handler(req, c) : notFound(`Service resource not found: ${k.noun} ${req.params.id ?? ''}`);
  };

  const pageParams = (req: EmulatorRequest, size: { max: number; fallback: number }) => {
    const pagesize = queryInt(req, 'pagesize', size.fallback);
    const pagenum = queryInt(req, 'pagenum', 1);
    if (pagesize === 'invalid' || pagesize < 1 || pagesize > size.max) return illegal(`pagesize must be 1 to ${size.max}`);
    if (pagenum === 'invalid' || pagenum < 1) return illegal('pagenum must be 1 or more');
    return { pagesize, pagenum };
  };

  function addMembers(c: CollectiveRecord, names: string[]): { added: string[]; refusal?: EmulatorResponse } {
    const added: string[] = [];
    for (const name of names) {
      if (isMember(c, name)) continue;
      if (memberCount(c) >= c.maxUsers) {
        return { added, refusal: forbidden(`The ${k.noun} ${c.id} has reached its maximum of ${c.maxUsers} members.`) };
      }
      c.members.add(name);
      added.push(name);
    }
    return { added };
  }

  const removal = (c: CollectiveRecord, user: string) => {
    if (user === c.owner) return { result: false, action: 'remove_member', reason: 'Forbidden operation on group owner!', user, [k.idField]: c.id };
    if (!c.members.has(user))
      return { result: false, action: 'remove_member', reason: `user ${user} doesn't exist in ${k.noun} ${c.id}`, user, [k.idField]: c.id };
    c.members.delete(user);
    c.admins.delete(user);
    return { result: true, action: 'remove_member', user, [k.idField]: c.id };
  };

  return [
    route('list', 'GET', '', (req) => {
      const limit = queryInt(req, 'limit', 10);
      if (limit === 'invalid' || limit < 1 || limit > k.listLimit) return illegal(`limit must be 1 to ${k.listLimit}`);
      const page = cursorPage(map().values(), limit, req.query.get('cursor'));
      if (page === 'invalid') return illegal('The cursor is not valid.');
      const data = page.page.map((c) =>
        kind === 'group'
          ? {
              owner: `${ctx.project.chatOrg}#${ctx.project.chatApp}_${c.owner}`,
              groupid: c.id,
              affiliations: memberCount(c),
              type: 'group',
              lastModified: String(c.created),
              groupname: c.name,
            }
          : { id: c.id, name: c.name, owner: c.owner, affiliations_count: memberCount(c) },
      );
      return ok(req, { data, count: data.length, cursor: page.cursor });
    }),
    route('create', 'POST', '', (req) => {
      const parsed = check(createBody(k), bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const b = parsed.value;
      const members = [...new Set((b.members ?? []).filter((m) => m !== b.owner))];
      const problem = missingUser([b.owner, ...members]);
      if (problem) return problem;
      const maxUsers = b.maxusers ?? k.maxUsers.fallback;
      if (members.length + 1 > maxUsers) return illegal(`members exceed maxusers (${maxUsers})`);
      const c = ctx.state.chat.addCollective(kind, {
        name: b[k.nameField] ?? '',
        owner: b.owner,
        members,
        maxUsers,
        description: b.description,
        avatar: b.avatar,
        public: b.public,
        allowInvites: b.allowinvites,
        membersOnly: b.membersonly,
        inviteNeedConfirm: b.invite_need_confirm,
        custom: b.custom,
      });
      return ok(req, { action: 'post', data: { [k.idField]: c.id } });
    }),
    route('details', 'GET', '/:ids', (req) => {
      const ids = (req.params.ids ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return illegal(`give at least one ${k.noun} id`);
      if (ids.length > CHAT_LIMITS.groupDetailsIds) return illegal(`at most ${CHAT_LIMITS.groupDetailsIds} ids per request`);
      const found = ids.map((id) => map().get(id)).filter((c): c is CollectiveRecord => c !== undefined);
      if (found.length === 0) return notFound(`Service resource not found: ${k.noun} ${ids.join(',')}`);
      return ok(req, { data: found.map(detailsOf), count: found.length });
    }),
    route(
      'update',
      'PUT',
      '/:id',
      withCollective((req, c) => {
        const given = bodyObject(req) ?? {};
        const allowed = Object.keys(updateBody(k).shape);
        const unknown = Object.keys(given).filter((f) => !allowed.includes(f));
        if (unknown.length > 0) return chatError(400, 'invalid_parameter', `Some of [${unknown.join(', ')}] are not valid fields.`);
        const parsed = check(updateBody(k), given);
        if (!parsed.ok) return parsed.response;
        const b = parsed.value as Record<string, unknown>;
        if (typeof b.newowner === 'string') {
          const newOwner = b.newowner;
          if (newOwner === c.owner) return forbidden('New owner and old owner are the same.');
          if (!c.members.has(newOwner)) return forbidden(`user ${newOwner} is not a member of ${k.noun} ${c.id}`);
          c.members.delete(newOwner);
          c.admins.delete(newOwner);
          c.members.add(c.owner);
          c.owner = newOwner;
          return ok(req, { action: 'put', data: { newowner: true } });
        }
        const changed: Record<string, boolean> = {};
        if (typeof b.maxusers === 'number') {
          if (b.maxusers < memberCount(c)) return illegal(`maxusers cannot be below the current ${memberCount(c)} members`);
          c.maxUsers = b.maxusers;
          changed.maxusers = true;
        }
        const assign: [string, (v: unknown) => void][] = [
          [k.nameField, (v) => (c.name = String(v))],
          ['description', (v) => (c.description = String(v))],
          ['avatar', (v) => (c.avatar = String(v))],
          ['custom', (v) => (c.custom = String(v))],
          ['public', (v) => (c.public = Boolean(v))],
          ['membersonly', (v) => (c.membersOnly = Boolean(v))],
          ['allowinvites', (v) => (c.allowInvites = Boolean(v))],
          ['invite_need_confirm', (v) => (c.inviteNeedConfirm = Boolean(v))],
        ];
        for (const [field, set] of assign) {
          if (b[field] === undefined) continue;
          set(b[field]);
          changed[field] = true;
        }
        return ok(req, { action: 'put', data: changed });
      }),
    ),
    route(
      'delete',
      'DELETE',
      '/:id',
      withCollective((req, c) => {
        map().delete(c.id);
        return ok(req, { action: 'delete', data: { success: true, [k.idField]: c.id } });
      }),
    ),
    ...(kind === 'group'
      ? (['disable', 'enable'] as const).map((op) =>
          route(
            op,
            'POST',
            `/:id/${op}`,
            withCollective((req, c) => {
              c.disabled = op === 'disable';
              return ok(req, { action: 'post', data: { disabled: c.disabled } });
            }),
          ),
        )
      : []),
    route(
      'members',
      'GET',
      '/:id/users',
      withCollective((req, c) => {
        const page = pageParams(req, k.memberPageSize);
        if ('status' in page) return page;
        const all = affiliations(c);
        const data = all.slice((page.pagenum - 1) * page.pagesize, page.pagenum * page.pagesize);
        return ok(req, { data, count: data.length });
      }),
    ),
    route(
      'addMember',
      'POST',
      '/:id/users/:username',
      withCollective((req, c) => {
        const user = req.params.username ?? '';
        const problem = missingUser([user]);
        if (problem) return problem;
        if (isMember(c, user)) return forbidden(`Can not join this ${k.noun}, reason: user: ${user} already in ${k.noun}: ${c.id}.`);
        const { refusal } = addMembers(c, [user]);
        return refusal ?? ok(req, { action: 'post', data: { result: true, [k.idField]: c.id, action: 'add_member', user } });
      }),
    ),
    route(
      'addMembers',
      'POST',
      '/:id/users',
      withCollective((req, c) => {
        const parsed = check(usernamesBody, bodyObject(req));
        if (!parsed.ok) return parsed.response;
        const problem = missingUser(parsed.value.usernames);
        if (problem) return problem;
        const { added, refusal } = addMembers(c, parsed.value.usernames);
        return refusal ?? ok(req, { action: 'post', data: { newmembers: added, [k.idField]: c.id, action: 'add_member' } });
      }),
    ),
    route(
      'removeMembers',
      'DELETE',
      '/:id/users/:usernames',
      withCollective((req, c) => {
        const names = (req.params.usernames ?? '').split(',').filter(Boolean);
        if (names.length > CHAT_LIMITS.memberBatch) return illegal(`at most ${CHAT_LIMITS.memberBatch} users per request`);
        if (names.length === 1) {
          const result = removal(c, names[0]!);
          if (!result.result) return forbidden(result.reason ?? 'Forbidden operation');
          return ok(req, { action: 'delete', data: result });
        }
        return ok(req, { action: 'delete', data: names.map((n) => removal(c, n)) });
      }),
    ),
    route(
      'admins',
      'GET',
      '/:id/admin',
      withCollective((req, c) => ok(req, { data: [...c.admins], count: c.admins.size })),
    ),
    route(
      'addAdmin',
      'POST',
      '/:id/admin',
      withCollective((req, c) => {
        const parsed = check(newAdminBody, bodyObject(req));
        if (!parsed.ok) return parsed.response;
        const user = parsed.value.newadmin;
        if (user === c.owner) return forbidden('Forbidden operation on group owner!');
        if (!c.members.has(user)) return forbidden(`Users ${user} are not members of this ${k.noun}!`);
        if (c.admins.has(user)) return forbidden(`user ${user} is already an admin of ${k.noun} ${c.id}`);
        if (c.admins.size >= CHAT_LIMITS.groupAdmins) return forbidden(`A ${k.noun} has at most ${CHAT_LIMITS.groupAdmins} admins.`);
        c.admins.add(user);
        return ok(req, { action: 'post', data: { result: 'success', newadmin: user } });
      }),
    ),
    route(
      'removeAdmin',
      'DELETE',
      '/:id/admin/:oldadmin',
      withCollective((req, c) => {
        const user = req.params.oldadmin ?? '';
        if (!c.admins.delete(user)) return forbidden(`user ${user} is not an admin of ${k.noun} ${c.id}`);
        return ok(req, { action: 'delete', data: { result: 'success', oldadmin: user } });
      }),
    ),
  ];
}

/** GET /users/{username}/joined_chatgroups and joined_chatrooms: page-number paged. */
export function joinedRoute(ctx: ChatHandlerContext, kind: CollectiveRecord['kind']): RouteSpec {
  const k = COLLECTIVE_WIRE[kind];
  return chatRoute(`chat.${k.ops}.joined`, 'GET', `/users/:username/joined_${k.collection}`, (req) => {
    const user = req.params.username ?? '';
    if (!ctx.state.chat.users.has(user)) return notFound(`Service resource not found: user ${user}`);
    const pagesize = queryInt(req, 'pagesize', k.joinedPageSize.fallback);
    const pagenum = queryInt(req, 'pagenum', 1);
    if (pagesize === 'invalid' || pagesize < 1 || pagesize > k.joinedPageSize.max) return illegal(`pagesize must be 1 to ${k.joinedPageSize.max}`);
    if (pagenum === 'invalid' || pagenum < 1) return illegal('pagenum must be 1 or more');
    const joined = [...ctx.state.chat.collectives(kind).values()].filter((c) => isMember(c, user)).sort((a, b) => a.seq - b.seq);
    const page = joined.slice((pagenum - 1) * pagesize, pagenum * pagesize);
    const data = page.map((c) => (kind === 'group' ? { groupid: c.id, groupname: c.name } : { id: c.id, name: c.name }));
    return chatOk(req, ctx.project, { data, count: data.length, total: joined.length });
  });
}
