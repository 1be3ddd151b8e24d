/**
 * Managing groups and rooms. What both have (create, update, delete, members, admins) is made for each
 * kind from one definition; what only one has (a group's ownership and ban, a room's attributes) follows.
 */
import { DENIED_HINT } from '../scopes.ts';
import type { ChatClient } from '../../agora/chat/client.ts';
import type { CollectiveKind, Removal } from '../../agora/chat/collectives.ts';
import { ROOM_ATTRIBUTE_DEFAULTS } from '../../agora/chat/rooms.ts';
import { AgoraForbiddenError } from '../../agora/errors.ts';
import { changed } from './live.ts';
import { builder, type Context } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { domainErrors } from '../common/domain-errors.ts';
import { defined } from '../common/input.ts';
import { User, userOf } from '../users/types.ts';
import { Group, Room } from './types.ts';

/** What a group is created with and can change later: the fields both group inputs share. */
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
const groupSettings = (t: PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>) => ({
  description: t.string(),
  avatar: t.string(),
  custom: t.string(),
  public: t.boolean(),
  maxUsers: t.int(),
  allowInvites: t.boolean(),
  membersOnly: t.boolean(),
  inviteNeedConfirm: t.boolean(),
});

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({ name: t.string({ required: true }), owner: t.string({ required: true }), members: t.stringList(), ...groupSettings(t) }),
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  fields: (t) => ({ groupId: t.string({ required: true }), name: t.string(), ...groupSettings(t) }),
});

const CreateRoomInput = builder.inputType('CreateRoomInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    owner: t.string({ required: true }),
    members: t.stringList(),
    description: t.string(),
    maxUsers: t.int(),
  }),
});

const UpdateRoomInput = builder.inputType('UpdateRoomInput', {
  fields: (t) => ({ roomId: t.string({ required: true }), name: t.string(), description: t.string(), maxUsers: t.int() }),
});

const SetRoomAttributesInput = builder.inputType('SetRoomAttributesInput', {
  fields: (t) => ({
    roomId: t.string({ required: true }),
    username: t.string({ required: true, description: 'The member setting them.' }),
    attributes: t.field({ type: 'JSON', required: true, description: 'An object of string values.' }),
    force: t.boolean({ defaultValue: false, description: 'Overwrite keys other members set.' }),
    deleteOnLeave: t.boolean({ defaultValue: ROOM_ATTRIBUTE_DEFAULTS.deleteOnLeave }),
  }),
});

const RemoveRoomAttributesInput = builder.inputType('RemoveRoomAttributesInput', {
  fields: (t) => ({
    roomId: t.string({ required: true }),
    username: t.string({ required: true }),
    keys: t.stringList({ required: true }),
    force: t.boolean({ defaultValue: false }),
  }),
});

const AttributeChange = builder.simpleObject('AttributeChange', {
  authScopes: { public: true },
  fields: (t) => ({ succeeded: t.stringList(), failed: t.field({ type: 'JSON', description: 'key -> why it did not take' }) }),
});

const MemberRemoval = builder.simpleObject('MemberRemoval', {
  authScopes: { public: true },
  description: 'What happened to one user of a member removal (Agora removes each user on its own).',
  fields: (t) => ({
    username: t.string(),
    removed: t.boolean(),
    reason: t.string({ nullable: true }),
  }),
});

type Collectives = ChatClient['groups'] | ChatClient['rooms'];

/** One user goes through Agora's single-member removal; several through the batch one. Same answer shape. */
async function removeMembers(api: Collectives, id: string, usernames: string[]): Promise<Removal[]> {
  const [only] = usernames;
  if (usernames.length !== 1 || only === undefined) return api.removeMembers({ id, usernames });
  try {
    await api.removeMember({ id, username: only });
    return [{ username: only, removed: true, reason: undefined }];
  } catch (error) {
    // Agora refuses a single removal (the owner, a non-member) with 403; the batch form reports it per user.
    if (error instanceof AgoraForbiddenError) return [{ username: only, removed: false, reason: error.detail ?? error.message }];
    throw error;
  }
}

/** What group and room management share: the same calls on /chatgroups and /chatrooms. */
function collectiveApi(ctx: Context, kind: CollectiveKind) {
  const api = kind === 'group' ? chatOf(ctx).groups : chatOf(ctx).rooms;
  return {
    /** Adds one member through the single-member call, several through the batch call; answers those added. */
    async addMembers(id: string, usernames: string[]) {
      const [only] = usernames;
      const added =
        usernames.length === 1 && only !== undefined ? (await api.addMember({ id, username: only }), [only]) : await api.addMembers({ id, usernames });
      if (added.length > 0) await changed(ctx, kind, id, 'members-added', added);
      return added.map(userOf);
    },
    async setAdmin(id: string, username: string, admin: boolean) {
      await (admin ? api.addAdmin({ id, username }) : api.removeAdmin({ id, username }));
      await changed(ctx, kind, id, admin ? 'admin-added' : 'admin-removed', [username]);
      return { kind, id };
    },
    async delete(id: string) {
      const deleted = await api.delete(id);
      await changed(ctx, kind, id, 'deleted');
      return deleted;
    },
    async removeMembers(id: string, usernames: string[]) {
      const removals = await removeMembers(api, id, usernames);
      const removed = removals.filter((r) => r.removed).map((r) => r.username);
      if (removed.length > 0) await changed(ctx, kind, id, 'members-removed', removed);
      return removals;
    },
  };
}

/** What differs between the two kinds in what they share. */
const KINDS = {
  group: {
    type: Group,
    create: CreateGroupInput,
    update: UpdateGroupInput,
    addMembers: 'Adds up to 60 members; answers those added (members already in are skipped).',
    removeMembers: 'Removes up to 60 members; the owner is never removed.',
  },
  room: { type: Room, create: CreateRoomInput, update: UpdateRoomInput, addMembers: undefined, removeMembers: undefined },
} as const;

function collectiveMutations(kind: CollectiveKind) {
  const { type, create, update, addMembers, removeMembers: removeDescription } = KINDS[kind];
  const Name = kind === 'group' ? 'Group' : 'Room';
  const idArg = `${kind}Id`;
  const api = (ctx: Context) => (kind === 'group' ? chatOf(ctx).groups : chatOf(ctx).rooms);
  // Who owns or administers it is read from Agora by the rule (src/schema/scopes.ts), never taken from the token.
  const ref = (args: Record<string, unknown>) => ({ kind, id: String(args[idArg]) });
  // `kind` pairs each input type with its client call; TypeScript cannot follow that pairing through the
  // union of both clients, hence the `as never` on the two calls whose inputs differ by kind.
  builder.mutationFields((t) => ({
    [`create${Name}`]: t.field({
      type,
      description: `Creates a ${kind}: a user creates ${kind}s they own; admins create any.`,
      authScopes: (_r, args) => ({ self: String((args.input as { owner: string }).owner) }),
      extensions: { [DENIED_HINT]: `Create it with input.owner: "{me}".` },
      args: { input: t.arg({ type: create, required: true }) },
      resolve: async (_r, { input }, ctx) => ({ kind, id: await api(ctx).create(defined(input) as never) }),
    }),
    [`update${Name}`]: t.field({
      type,
      authScopes: (_r, args) => ({ manages: { kind, id: String((args.input as Record<string, unknown>)[idArg]) } }),
      args: { input: t.arg({ type: update, required: true }) },
      resolve: async (_r, { input }, ctx) => {
        const { [idArg]: id, ...fields } = defined(input as Record<string, unknown>);
        await api(ctx).update({ id: String(id), ...fields } as never);
        await changed(ctx, kind, String(id), 'updated');
        return { kind, id: String(id) };
      },
    }),
    [`delete${Name}`]: t.boolean({
      authScopes: (_r, args) => ({ owns: ref(args) }),
      args: { [idArg]: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => collectiveApi(ctx, kind).delete(String(args[idArg])),
    }),
    [`add${Name}Members`]: t.field({
      errors: domainErrors,
      type: [User],
      description: addMembers,
      authScopes: (_r, args) => ({ manages: ref(args) }),
      args: { [idArg]: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
      resolve: (_r, args, ctx) => collectiveApi(ctx, kind).addMembers(String(args[idArg]), args.usernames as string[]),
    }),
    [`add${Name}Admin`]: t.field({
      errors: domainErrors,
      type,
      authScopes: (_r, args) => ({ owns: ref(args) }),
      args: { [idArg]: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => collectiveApi(ctx, kind).setAdmin(String(args[idArg]), String(args.username), true),
    }),
    [`remove${Name}Admin`]: t.field({
      type,
      authScopes: (_r, args) => ({ owns: ref(args) }),
      args: { [idArg]: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
      resolve: (_r, args, ctx) => collectiveApi(ctx, kind).setAdmin(String(args[idArg]), String(args.username), false),
    }),
    [`remove${Name}Members`]: t.field({
      type: [MemberRemoval],
      description: removeDescription,
      authScopes: (_r, args) => ({ moderator: true, manages: ref(args) }),
      args: { [idArg]: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
      resolve: (_r, args, ctx) => collectiveApi(ctx, kind).removeMembers(String(args[idArg]), args.usernames as string[]),
    }),
  }));
}

collectiveMutations('group');
collectiveMutations('room');

/** Bans a group (disable) or lifts the ban (enable); answers the group. */
function groupBan(t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0], disabled: boolean, description?: string) {
  return t.field({
    type: Group,
    description,
    authScopes: { moderator: true },
    args: { groupId: t.arg.string({ required: true }) },
    resolve: async (_root, { groupId }, ctx) => {
      const groups = chatOf(ctx).groups;
      await (disabled ? groups.disable : groups.enable)(groupId);
      await changed(ctx, 'group', groupId, disabled ? 'disabled' : 'enabled');
      return { kind: 'group' as const, id: groupId };
    },
  });
}

builder.mutationFields((t) => ({
  transferGroupOwnership: t.field({
    errors: domainErrors,
    type: Group,
    description: 'Makes a member the owner; the old owner stays a member.',
    authScopes: (_r, args) => ({ owns: { kind: 'group', id: args.groupId } }),
    args: { groupId: t.arg.string({ required: true }), newOwner: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      await chatOf(ctx).groups.transferOwner({ id: args.groupId, newOwner: args.newOwner });
      await changed(ctx, 'group', args.groupId, 'owner-transferred', [args.newOwner]);
      return { kind: 'group' as const, id: args.groupId };
    },
  }),
  disableGroup: groupBan(t, true, 'Bans a whole group: nobody can send to it until it is enabled.'),
  enableGroup: groupBan(t, false),
  setRoomAttributes: t.field({
    type: AttributeChange,
    description: 'Sets room attributes as a member; keys another member set are refused unless `force`.',
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetRoomAttributesInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      const rooms = chatOf(ctx).rooms;
      const call = input.force ? rooms.forceSetAttributes : rooms.setAttributes;
      return call({
        roomId: input.roomId,
        username: input.username,
        attributes: input.attributes as Record<string, string>,
        deleteOnLeave: input.deleteOnLeave ?? undefined,
      });
    },
  }),
  removeRoomAttributes: t.field({
    type: AttributeChange,
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: RemoveRoomAttributesInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      const rooms = chatOf(ctx).rooms;
      const call = input.force ? rooms.forceRemoveAttributes : rooms.removeAttributes;
      return call({ roomId: input.roomId, username: input.username, keys: input.keys });
    },
  }),
}));
