/**
 * Changing users: registration and deletion, push settings, attributes, contacts and blocks, presence,
 * and moderation (ban, force offline, global mute). Each declares its scope: a user changes themselves
 * (`self`); registration is for admins, moderation for moderators.
 */
import { PRESENCE_DEFAULTS } from '../../agora/chat/presence.ts';
import { DO_NOT_DISTURB_DEFAULTS } from '../../agora/chat/users.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { domainErrors } from '../common/domain-errors.ts';
import { defined } from '../common/input.ts';
import { Presence, User, userOf } from './types.ts';
import { moderated, profileChanged } from './live.ts';

const RegisterUserInput = builder.inputType('RegisterUserInput', {
  fields: (t) => ({
    username: t.string({ required: true, description: '1 to 64 characters of a-z 0-9 _ - .' }),
    password: t.string(),
    nickname: t.string(),
  }),
});

const RegistrationFailure = builder.simpleObject('RegistrationFailure', {
  authScopes: { public: true },
  fields: (t) => ({ username: t.string(), reason: t.string() }),
});
const RegisterUsersResult = builder
  .objectRef<{ created: { username: string }[]; failed: { username: string; reason: string }[] }>('RegisterUsersResult')
  .implement({
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
  fields: (t) => ({
    enabled: t.boolean({ required: true }),
    startHour: t.int({ defaultValue: DO_NOT_DISTURB_DEFAULTS.startHour }),
    endHour: t.int({ defaultValue: DO_NOT_DISTURB_DEFAULTS.endHour }),
  }),
});

const SetPushSettingsInput = builder.inputType('SetPushSettingsInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    nickname: t.string({ description: 'The name notifications show.' }),
    displayStyle: t.field({ type: PushDisplayStyle }),
    doNotDisturb: t.field({ type: DoNotDisturbInput }),
  }),
});

const SetPresenceInput = builder.inputType('SetPresenceInput', {
  fields: (t) => ({
    username: t.string({ required: true }),
    resource: t.string({ required: true }),
    status: t.string({ required: true }),
    ext: t.string({ defaultValue: PRESENCE_DEFAULTS.ext }),
  }),
});

const SetGlobalMuteInput = builder.inputType('SetGlobalMuteInput', {
  description: 'Seconds per scope: 0 unmutes, -1 mutes until unmuted; scopes left out stay as they are.',
  fields: (t) => ({
    username: t.string({ required: true }),
    oneToOneSeconds: t.int(),
    groupsSeconds: t.int(),
    roomsSeconds: t.int(),
  }),
});

builder.mutationFields((t) => ({
  // ---- users ----
  registerUser: t.field({
    type: User,
    authScopes: { admin: true },
    args: { input: t.arg({ type: RegisterUserInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const entity = await chatOf(ctx).users.register(defined(input));
      return { username: entity.username, entity };
    },
  }),
  registerUsers: t.field({
    type: RegisterUsersResult,
    description: 'Registers up to 60 users; the names Agora refused come back with the reason.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: [RegisterUserInput], required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const result = await chatOf(ctx).users.registerMany(input.map(defined));
      // The users came: a live `user` or `users` that found none shows them.
      await profileChanged(
        ctx,
        result.created.map((u) => u.username),
      );
      return { created: result.created.map((entity) => ({ username: entity.username, entity })), failed: result.failed };
    },
  }),
  deleteUser: t.boolean({
    description: 'Deletes a user, and the groups and rooms they own.',
    authScopes: { admin: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_r, { username }, ctx) => {
      const deleted = Boolean(await chatOf(ctx).users.delete(username));
      await profileChanged(ctx, [username]);
      return deleted;
    },
  }),
  deleteOldestUsers: t.stringList({
    description: 'Deletes up to `limit` users, oldest first; answers their usernames.',
    authScopes: { admin: true },
    args: { limit: t.arg.int({ required: true }) },
    resolve: async (_r, { limit }, ctx) => {
      const deleted = (await chatOf(ctx).users.deleteMany({ limit })).items.map((u) => u.username);
      await profileChanged(ctx, deleted);
      return deleted;
    },
  }),
  setPushSettings: t.field({
    type: User,
    description: 'Sets any of the push nickname, display style and do-not-disturb of a user.',
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetPushSettingsInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const users = chatOf(ctx).users;
      let entity;
      if (input.nickname) entity = await users.setPushNickname({ username: input.username, nickname: input.nickname });
      if (input.displayStyle) entity = await users.setPushDisplayStyle({ username: input.username, style: input.displayStyle });
      if (input.doNotDisturb) entity = await users.setDoNotDisturb({ username: input.username, ...defined(input.doNotDisturb) });
      await profileChanged(ctx, [input.username]);
      return { username: input.username, ...(entity ? { entity } : {}) };
    },
  }),

  // ---- attributes ----
  setUserAttributes: t.field({
    type: 'JSON',
    description: 'Sets (adds or replaces) user attributes; at most 2 KB per user. Answers what was set.',
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), attributes: t.arg({ type: 'JSON', required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).metadata.set({ username: args.username, attributes: args.attributes as Record<string, string> }),
  }),
  deleteUserAttributes: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }) },
    resolve: (_r, { username }, ctx) => chatOf(ctx).metadata.delete(username),
  }),

  // ---- contacts and blocks ----
  addContact: t.boolean({
    errors: domainErrors,
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.add(args),
  }),
  removeContact: t.boolean({
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.remove(args),
  }),
  blockUsers: t.field({
    errors: domainErrors,
    type: [User],
    description: 'Blocks users (at most 500 blocked in all); fails as a whole when any user does not exist.',
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }) },
    resolve: async (_r, args, ctx) => (await chatOf(ctx).contacts.block(args)).map(userOf),
  }),
  unblockUser: t.boolean({
    authScopes: (_r, args) => ({ self: args.owner }),
    args: { owner: t.arg.string({ required: true }), user: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).contacts.unblock(args),
  }),

  // ---- presence ----
  setPresence: t.boolean({
    authScopes: (_r, args) => ({ self: args.input.username }),
    args: { input: t.arg({ type: SetPresenceInput, required: true }) },
    resolve: (_r, { input }, ctx) => chatOf(ctx).presence.set({ ...input, ext: input.ext ?? undefined }),
  }),
  subscribePresence: t.field({
    type: [Presence],
    description: "Subscribes a user to up to 100 users' presence for up to 30 days; answers their presence now.",
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }), expirySeconds: t.arg.int({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).presence.subscribe(args),
  }),
  unsubscribePresence: t.boolean({
    authScopes: (_r, args) => ({ self: args.username }),
    args: { username: t.arg.string({ required: true }), users: t.arg.stringList({ required: true }) },
    resolve: (_r, args, ctx) => chatOf(ctx).presence.unsubscribe(args),
  }),

  // ---- moderation ----
  banUser: t.field({
    type: User,
    description: 'Bans (deactivates) a user: they are logged out and cannot log in until unbanned.',
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, { username }, ctx) => {
      const entity = await chatOf(ctx).users.deactivate(username);
      await moderated(ctx, username, 'banned');
      return { username, entity };
    },
  }),
  unbanUser: t.field({
    type: User,
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, { username }, ctx) => {
      await chatOf(ctx).users.activate(username);
      await moderated(ctx, username, 'unbanned');
      return { username };
    },
  }),
  forceUserOffline: t.boolean({
    description: 'Disconnects every device of the user.',
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, { username }, ctx) => {
      const disconnected = await chatOf(ctx).users.disconnect(username);
      await moderated(ctx, username, 'forced-offline');
      return disconnected;
    },
  }),
  setGlobalMute: t.field({
    type: User,
    description: 'Mutes or unmutes a user in one-to-one chats, groups and/or rooms.',
    authScopes: { moderator: true },
    args: { input: t.arg({ type: SetGlobalMuteInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await chatOf(ctx).mutes.set({
        username: input.username,
        chat: input.oneToOneSeconds ?? undefined,
        groupchat: input.groupsSeconds ?? undefined,
        chatroom: input.roomsSeconds ?? undefined,
      });
      return { username: input.username };
    },
  }),
}));
