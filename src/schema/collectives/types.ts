/** Groups and rooms: one type factory for both, the fields only one has, and the user's memberships. */
import type { ChatCollective, CollectiveKind, Membership } from '../../agora/chat/collectives.ts';
import type { GraphQLResolveInfo } from 'graphql';
import { COLLECTIVE_WIRE } from '../../agora/limits.ts';
import { builder, type Context } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { nullIfNotFound } from '../common/errors.ts';
import { numberedConnection } from '../common/pagination.ts';
import { selectsPath } from '../common/selection.ts';
import { User, userOf } from '../users/types.ts';
import { costRules } from '../common/cost-rules.ts';

/** A group or room of the graph is its id until a field needs its details (batched: 100 ids per call). */
export interface CollectiveSource {
  kind: CollectiveKind;
  id: string;
  details?: ChatCollective;
}

export const detailsOf = (c: CollectiveSource, ctx: Context): Promise<ChatCollective> =>
  c.details ? Promise.resolve(c.details) : (c.kind === 'group' ? ctx.loaders.groups : ctx.loaders.rooms).load(c.id);

type MemberRoleValue = Membership['role'] | 'admin';

const MemberRole = builder.enumType('MemberRole', {
  values: { OWNER: { value: 'owner' }, ADMIN: { value: 'admin', description: 'Administers it (named by the owner).' }, MEMBER: { value: 'member' } } as const,
});

/** The path under a members connection whose selection makes it read the admins. */
export const ROLE_PATH = ['edges', 'role'] as const;

const sets = (info: GraphQLResolveInfo) => info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));

const adminsOf = (c: CollectiveSource, ctx: Context) => (c.kind === 'group' ? chatOf(ctx).groups : chatOf(ctx).rooms).admins(c.id);

function collectiveType(kind: CollectiveKind) {
  const wire = COLLECTIVE_WIRE[kind];
  const name = kind === 'group' ? 'Group' : 'Room';
  const ref = builder.objectRef<CollectiveSource>(name);
  builder.node(ref, {
    authScopes: { user: true },
    description: kind === 'group' ? 'An Agora Chat group.' : 'An Agora Chat room.',
    id: { resolve: (c) => c.id },
    loadOne: async (id, ctx) => {
      const details = await nullIfNotFound((kind === 'group' ? ctx.loaders.groups : ctx.loaders.rooms).load(id));
      return details && { kind, id, details };
    },
    fields: (t) => ({
      [`${kind}Id`]: t.string({ description: `The Agora ${wire.noun} id.`, resolve: (c) => c.id }),
      name: t.string({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).name }),
      description: t.string({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).description }),
      owner: t.field({ type: User, resolve: async (c, _a, ctx) => userOf((await detailsOf(c, ctx)).owner) }),
      maxUsers: t.int({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).maxUsers }),
      memberCount: t.int({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).memberCount }),
      createdAt: t.field({ type: 'DateTime', resolve: async (c, _a, ctx) => new Date((await detailsOf(c, ctx)).createdAt) }),
      custom: t.string({ description: 'App-defined data (at most 8 KB).', resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).custom }),
      allMuted: t.boolean({ description: 'Everyone but the owner and admins is muted.', resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).allMuted }),
      members: t.connection(
        {
          type: User,
          description: `Members, the owner first (${wire.memberPageSize.max} per upstream page); each edge says the member's role.`,
          resolve: async (c, args, ctx, info) => {
            const page = await numberedConnection(args, (pageNum, pageSize) => ctx.loaders.memberPage(kind, c.id, pageNum, pageSize), wire.memberPageSize.max);
            // Agora's member pages say owner or member; who administers it is one more read, made only when asked.
            const admins = selectsPath(sets(info), info.fragments, ROLE_PATH) ? new Set(await adminsOf(c, ctx)) : new Set<string>();
            const roleOf = (m: Membership) => (m.role === 'member' && admins.has(m.username) ? 'admin' : m.role);
            return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, role: roleOf(e.node), node: userOf(e.node.username) })) };
          },
        },
        { name: `${name}MembersConnection` },
        {
          name: `${name}MemberEdge`,
          fields: (edge) => ({ role: edge.field({ type: MemberRole, resolve: (e) => (e as unknown as { role: MemberRoleValue }).role }) }),
        },
      ),
      admins: t.field({
        type: [User],
        resolve: async (c, _a, ctx) => (await adminsOf(c, ctx)).map(userOf),
      }),
    }),
  });
  return ref;
}

export const Group = collectiveType('group');
export const Room = collectiveType('room');

builder.objectFields(Group, (t) => ({
  public: t.boolean({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).public }),
  membersOnly: t.boolean({ description: 'Joining needs approval.', resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).membersOnly }),
  allowInvites: t.boolean({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).allowInvites }),
  disabled: t.boolean({ description: 'A banned group: nobody can send to it.', resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).disabled }),
  avatar: t.string({ resolve: async (c, _a, ctx) => (await detailsOf(c, ctx)).avatar }),
}));

builder.objectFields(Room, (t) => ({
  attributes: t.field({
    type: 'JSON',
    description: "The room's custom attributes.",
    resolve: (c, _a, ctx) => chatOf(ctx).rooms.getAttributes({ roomId: c.id }),
  }),
}));

builder.objectFields(User, (t) => ({
  joinedGroups: t.connection({
    type: Group,
    description: 'The groups the user belongs to.',
    resolve: async (u, args, ctx) => {
      const c = await numberedConnection(
        args,
        (pageNum, pageSize) => chatOf(ctx).groups.joined({ username: u.username, pageNum, pageSize }),
        COLLECTIVE_WIRE.group.joinedPageSize.max,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: { kind: 'group' as const, id: e.node.id } })) };
    },
  }),
  joinedRooms: t.connection({
    type: Room,
    description: 'The chat rooms the user is in.',
    resolve: async (u, args, ctx) => {
      const c = await numberedConnection(
        args,
        (pageNum, pageSize) => chatOf(ctx).rooms.joined({ username: u.username, pageNum, pageSize }),
        COLLECTIVE_WIRE.room.joinedPageSize.max,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: { kind: 'room' as const, id: e.node.id } })) };
    },
  }),
}));

const groupDetails = { kind: 'batch', loader: 'groups' } as const;
const roomDetails = { kind: 'batch', loader: 'rooms' } as const;

costRules({
  ...Object.fromEntries(
    ['name', 'description', 'owner', 'maxUsers', 'memberCount', 'createdAt', 'custom', 'allMuted'].flatMap((f) => [
      [`Group.${f}`, groupDetails],
      [`Room.${f}`, roomDetails],
    ]),
  ),
  'Group.public': groupDetails,
  'Group.membersOnly': groupDetails,
  'Group.allowInvites': groupDetails,
  'Group.disabled': groupDetails,
  'Group.avatar': groupDetails,
  'Group.members': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.memberPageSize.max, plusCallWhenSelected: ROLE_PATH },
  'Group.admins': { kind: 'call', children: 'estimate' },
  'Room.members': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.memberPageSize.max, plusCallWhenSelected: ROLE_PATH },
  'Room.admins': { kind: 'call', children: 'estimate' },
  'Room.attributes': { kind: 'call' },
  'User.joinedGroups': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.joinedPageSize.max },
  'User.joinedRooms': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.joinedPageSize.max },
});
