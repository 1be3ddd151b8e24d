/**
 * Management mutations: users and their push settings, attributes, contacts and blocks, groups, rooms
 * (and room attributes), threads, reactions, presence, push and push labels. Each declares its scope:
 * a user manages themselves (`self`); groups, rooms, push and bulk user operations are for admins
 * until the security work narrows them to owners and room admins.
 */
import type { PushMessage } from '../agora/chat/push.ts';
import type { CollectiveKind } from '../agora/chat/collectives.ts';
import { domainErrors } from './domain-errors.ts';
import { builder, type Context } from './builder.ts';
import { chatOf } from './chat.ts';
import { Group, Room } from './group.ts';
import { Thread } from './thread.ts';
import { Presence, User, userOf } from './user.ts';

const RegisterUserInput = builder.inputType('RegisterUserInput', {
  fields: (t) => ({
    username: t.string({ required: true, description: '1 to 64 characters of a-z 0-9 _ - .' }),
    password: t.string(),
    nickname: t.string(),
  }),
});

const RegistrationFailure = builder.simpleObject('RegistrationFailure', { authScopes: { public: true }, fields: (t) => ({ username: t.string(), reason: t.string() }) });
const RegisterUsersResult = builder.objectRef<{ created: { username: string }[]; failed: { username: string; reason: string }[] }>('RegisterUsersResult').implement({
  authScopes: { public: true },
  fields: (t) => ({
    created: t.field({ type: [User], resolve: (r) => r.created }),
    failed: t.field({ type: [RegistrationFailure], resolve: (r) => r.failed }),
  }),
});

const PushDisplayStyle = builder.enumType('PushDisplayStyle', {
  values: { SUMMARY: { value: 'summary', description: 'Only "You have a new message".' }, DETAIL: { value: 'detail', description: 'The content.' } } as const,
});

const DoNotDisturbInput = builder.inputType('DoNotDisturbInput', {
  fields: (t) => ({ enabled: t.boolean({ required: true }), startHour: t.int({ defaultValue: 0 }), endHour: t.int({ defaultValue: 0 }) }),
});

const SetPushSettingsInput = builder.inputType('SetPushSettingsInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    nickname: t.string({ description: 'The name notifications show.' }),
    displayStyle: t.field({ type: PushDisplayStyle }),
    doNotDisturb: t.field({ type: DoNotDisturbInput }),
  }),
});

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    owner: t.string({ required: true }),
    members: t.stringList(),
    description: t.string(),
    avatar: t.string(),
    custom: t.string(),
    public: t.boolean(),
    maxUsers: t.int(),
    allowInvites: t.boolean(),
    membersOnly: t.boolean(),
    inviteNeedConfirm: t.boolean(),
  }),
});

const UpdateGroupInput = builder.inputType('UpdateGroupInput', {
  fields: (t) => ({
    groupId: t.string({ required: true }),
    name: t.string(),
    description: t.string(),
    avatar: t.string(),
    custom: t.string(),
    public: t.boolean(),
    maxUsers: t.int(),
    allowInvites: t.boolean(),
    membersOnly: t.boolean(),
    inviteNeedConfirm: t.boolean(),
  }),
});

const CreateRoomInput = builder.inputType('CreateRoomInput', {
  fields: (t) => ({ name: t.string({ required: true }), owner: t.string({ required: true }), members: t.stringList(), description: t.string(), maxUsers: t.int() }),
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
    deleteOnLeave: t.boolean({ defaultValue: true }),
  }),
});
const RemoveRoomAttributesInput = builder.inputType('RemoveRoomAttributesInput', {
  fields: (t) => ({ roomId: t.string({ required: true }), username: t.string({ required: true }), keys: t.stringList({ required: true }), force: t.boolean({ defaultValue: false }) }),
});

const AttributeChange = builder.simpleObject('AttributeChange', {
  authScopes: { public: true },
  fields: (t) => ({ succeeded: t.stringList(), failed: t.field({ type: 'JSON', description: 'key -> why it did not take' }) }),
});

const CreateThreadInput = builder.inputType('CreateThreadInput', {
  fields: (t) => ({ groupId: t.string({ required: true }), name: t.string({ required: true }), messageId: t.string({ required: true }), owner: t.string({ required: true }) }),
});


const SetPresenceInput = builder.inputType('SetPresenceInput', {
  fields: (t) => ({ username: t.string({ required: true }), resource: t.string({ required: true }), status: t.string({ required: true }), ext: t.string({ defaultValue: '' }) }),
});





const MemberRemovalResult = builder.simpleObject('ThreadMemberRemoval', { authScopes: { public: true }, fields: (t) => ({ username: t.string(), removed: t.boolean() }) });


/** GraphQL nulls become absent fields, as the client's inputs expect. */
const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };

/** What group and room management share: the same calls on /chatgroups and /chatrooms. */
function collectiveApi(ctx: Context, kind: CollectiveKind) {
  const api = kind === 'group' ? chatOf(ctx).groups : chatOf(ctx).rooms;
  const opts = { signal: ctx.signal };
  return {
    /** Adds one member through the single-member call, several through the batch call; answers those added. */
    async addMembers(id: string, usernames: string[]) {
      const [only] = usernames;
      if (usernames.length === 1 && only !== undefined) {
        await api.addMember({ id, username: only }, opts);
        return [userOf(only)];
      }
      return (await api.addMembers({ id, usernames }, opts)).map(userOf);
    },
    async setAdmin(id: string, username: string, admin: boolean) {
      await (admin ? api.addAdmin({ id, username }, opts) : api.removeAdmin({ id, username }, opts));
      return { kind, id };
    },
    delete: (id: string) => api.delete(id, opts),
  };
}

builder.mutationFields((t) => ({
  // ---- users ----
  registerUser: t.field({
    type: User,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RegisterUserInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const entity = await chatOf(ctx).users.register(defined(input), { signal: ctx.signal });
      return { username: entity.username, entity };
    },
  }),
  registerUsers: t.field({
    type: RegisterUsersResult,
    description: 'Registers up to 60 users; the names Agora refused come back with the reason.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: [RegisterUserInput], required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await chatOf(ctx).users.registerMany(input.map(defined), { signal: ctx.signal });
      return { created: result.created.map((entity) => ({ username: entity.username, entity })), failed: result.failed };
    },
  }),
  deleteUser: t.boolean({
    description: 'Deletes a user, and the groups and rooms they own.',
    authScopes: { admin: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_r, { username }, ctx) => Boolean(await chatOf(ctx).users.delete(username, { signal: ctx.signal })),
  }),
  deleteOldestUsers: t.stringList({
    description: 'Deletes up to `limit` users, oldest first; answers their usernames.',
    authScopes: { admin: true },
    args: { limit: t.arg.int({ required: true }) },
    resolve: async (_r, { limit }, ctx) => (await chatOf(ctx).users.deleteMany({ limit }, { signal: ctx.signal })).items.map((u) => u.username),
  }),
  setPushSettings: t.field({
    type: User,
    description: 'Sets any of the push nickname, display style and do-not-disturb of a user.',
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetPushSettingsInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const users = chatOf(ctx).users;
      const opts = { signal: ctx.signal };
      let entity;
      if (input.nickname) entity = await users.setPushNickname({ username: input.username, nickname: input.nickname }, opts);
      if (input.displayStyle) entity = await users.setPushDisplayStyle({ username: input.username, style: input.displayStyle }, opts);
      if (input.doNotDisturb) entity = await users.setDoNotDisturb({ username: input.username, ...defined(input.doNotDisturb) }, opts);
      return { username: input.username, ...(entity ? { entity } : {}) };
    },
  }),

  // ---- attributes ----
  setUserAttributes: t.field({
    type: 'JSON',
    description: 'Sets (adds or replaces) user attributes; at most 2 KB per user. Answers what was set.',
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), attributes: t.arg({ type: 'JSON', required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).metadata.set({ username: args.username, attributes: args.attributes as Record<string, string> }, { signal: ctx.signal }),
  }),
  deleteUserAttributes: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }) },
    resolve: (_r, { username }, ctx) => chatOf(ctx).metadata.delete(username, { signal: ctx.signal }),
  }),

  // ---- contacts and blocks ----
  addContact: t.boolean({
    errors: domainErrors,
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.add(args, { signal: ctx.signal }),
  }),
  removeContact: t.boolean({
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.remove(args, { signal: ctx.signal }),
  }),
  blockUsers: t.field({
    errors: domainErrors,
    type: [User],
    description: 'Blocks users (at most 500 blocked in all); fails as a whole when any user does not exist.',
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }) },
    resolve: async (_r, args, ctx) => (await chatOf(ctx).contacts.block(args, { signal: ctx.signal })).map(userOf),
  }),
  unblockUser: t.boolean({
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.unblock(args, { signal: ctx.signal }),
  }),

  // ---- groups ----
  createGroup: t.field({
    type: Group,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    resolve: async (_r, { input }, ctx) => ({ kind: 'group' as const, id: await chatOf(ctx).groups.create(defined(input), { signal: ctx.signal }) }),
  }),
  updateGroup: t.field({
    type: Group,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateGroupInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { groupId, ...fields } = defined(input);
      await chatOf(ctx).groups.update({ id: groupId, ...fields }, { signal: ctx.signal });
      return { kind: 'group' as const, id: groupId };
    },
  }),
  deleteGroup: t.boolean({
    authScopes: { admin: true },
    args: { groupId: t.arg.string({ required: true }) },
    resolve: (_r, { groupId }, ctx) => collectiveApi(ctx, 'group').delete(groupId),
  }),
  addGroupMembers: t.field({
    errors: domainErrors,
    type: [User],
    description: 'Adds up to 60 members; answers those added (members already in are skipped).',
    authScopes: { admin: true },
    args: { groupId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'group').addMembers(args.groupId, args.usernames),
  }),
  addGroupAdmin: t.field({
    errors: domainErrors,
    type: Group,
    authScopes: { admin: true },
    args: { groupId: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'group').setAdmin(args.groupId, args.username, true),
  }),
  removeGroupAdmin: t.field({
    type: Group,
    authScopes: { admin: true },
    args: { groupId: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'group').setAdmin(args.groupId, args.username, false),
  }),
  transferGroupOwnership: t.field({
    errors: domainErrors,
    type: Group,
    description: 'Makes a member the owner; the old owner stays a member.',
    authScopes: { admin: true },
    args: { groupId: t.arg.string({ required: true }), newOwner: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      await chatOf(ctx).groups.transferOwner({ id: args.groupId, newOwner: args.newOwner }, { signal: ctx.signal });
      return { kind: 'group' as const, id: args.groupId };
    },
  }),

  // ---- rooms ----
  createRoom: t.field({
    type: Room,
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateRoomInput, required: true }) },
    resolve: async (_r, { input }, ctx) => ({ kind: 'room' as const, id: await chatOf(ctx).rooms.create(defined(input), { signal: ctx.signal }) }),
  }),
  updateRoom: t.field({
    type: Room,
    authScopes: { admin: true },
    args: { input: t.arg({ type: UpdateRoomInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { roomId, ...fields } = defined(input);
      await chatOf(ctx).rooms.update({ id: roomId, ...fields }, { signal: ctx.signal });
      return { kind: 'room' as const, id: roomId };
    },
  }),
  deleteRoom: t.boolean({
    authScopes: { admin: true },
    args: { roomId: t.arg.string({ required: true }) },
    resolve: (_r, { roomId }, ctx) => collectiveApi(ctx, 'room').delete(roomId),
  }),
  addRoomMembers: t.field({
    errors: domainErrors,
    type: [User],
    authScopes: { admin: true },
    args: { roomId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'room').addMembers(args.roomId, args.usernames),
  }),
  addRoomAdmin: t.field({
    errors: domainErrors,
    type: Room,
    authScopes: { admin: true },
    args: { roomId: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'room').setAdmin(args.roomId, args.username, true),
  }),
  removeRoomAdmin: t.field({
    type: Room,
    authScopes: { admin: true },
    args: { roomId: t.arg.string({ required: true }), username: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => collectiveApi(ctx, 'room').setAdmin(args.roomId, args.username, false),
  }),
  setRoomAttributes: t.field({
    type: AttributeChange,
    description: 'Sets room attributes as a member; keys another member set are refused unless `force`.',
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetRoomAttributesInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      const rooms = chatOf(ctx).rooms;
      const call = input.force ? rooms.forceSetAttributes : rooms.setAttributes;
      return call(
        { roomId: input.roomId, username: input.username, attributes: input.attributes as Record<string, string>, deleteOnLeave: input.deleteOnLeave ?? true },
        { signal: ctx.signal },
      );
    },
  }),
  removeRoomAttributes: t.field({
    type: AttributeChange,
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: RemoveRoomAttributesInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      const rooms = chatOf(ctx).rooms;
      const call = input.force ? rooms.forceRemoveAttributes : rooms.removeAttributes;
      return call({ roomId: input.roomId, username: input.username, keys: input.keys }, { signal: ctx.signal });
    },
  }),

  // ---- threads ----
  createThread: t.field({
    errors: domainErrors,
    type: Thread,
    authScopes: (_r, args) => ({ self: args.input.owner }),
    args: { input: t.arg({ type: CreateThreadInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const id = await chatOf(ctx).threads.create(input, { signal: ctx.signal });
      return { id, name: input.name, owner: input.owner, groupId: input.groupId, messageId: input.messageId, createdAt: Date.now() };
    },
  }),
  renameThread: t.string({
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.update({ id: args.threadId, name: args.name }, { signal: ctx.signal }),
  }),
  deleteThread: t.boolean({
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }) },
    resolve: (_r, { threadId }, ctx) => chatOf(ctx).threads.delete(threadId, { signal: ctx.signal }),
  }),
  addThreadMembers: t.boolean({
    errors: domainErrors,
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.addMembers({ id: args.threadId, usernames: args.usernames }, { signal: ctx.signal }),
  }),
  removeThreadMembers: t.field({
    type: [MemberRemovalResult],
    authScopes: { admin: true },
    args: { threadId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).threads.removeMembers({ id: args.threadId, usernames: args.usernames }, { signal: ctx.signal }),
  }),

  // ---- reactions and presence ----
  setPresence: t.boolean({
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetPresenceInput, required: true }) },
    resolve: (_r, { input }, ctx) => chatOf(ctx).presence.set({ ...input, ext: input.ext ?? '' }, { signal: ctx.signal }),
  }),
  subscribePresence: t.field({
    type: [Presence],
    description: "Subscribes a user to up to 100 users' presence for up to 30 days; answers their presence now.",
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }), expirySeconds: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).presence.subscribe(args, { signal: ctx.signal }),
  }),
  unsubscribePresence: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).presence.unsubscribe(args, { signal: ctx.signal }),
  }),

}));

builder.queryFields((t) => ({
  attributesCapacity: t.int({
    description: "Bytes used by every user's attributes in the app (at most 10 GB).",
    authScopes: { admin: true },
    resolve: (_r, _a, ctx) => chatOf(ctx).metadata.capacity(undefined, { signal: ctx.signal }),
  }),
}));
