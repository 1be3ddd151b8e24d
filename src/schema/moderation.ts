import type { ChatClient } from '../agora/chat/client.ts';
import type { Removal } from '../agora/chat/collectives.ts';
import { AgoraForbiddenError } from '../agora/errors.ts';
import { domainErrors } from './domain-errors.ts';
import { builder } from './builder.ts';
import { chatOf } from './chat.ts';
import { Group } from './group.ts';
import { User } from './user.ts';

const MemberRemoval = builder.simpleObject('MemberRemoval', {
  authScopes: { public: true },
  description: 'What happened to one user of a member removal (Agora removes each user on its own).',
  fields: (t) => ({
    username: t.string(),
    removed: t.boolean(),
    reason: t.string({ nullable: true }),
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


type Collectives = ChatClient['groups'] | ChatClient['rooms'];

/** One user goes through Agora's single-member removal; several through the batch one. Same answer shape. */
async function removeMembers(api: Collectives, id: string, usernames: string[], signal: AbortSignal | undefined): Promise<Removal[]> {
  const [only] = usernames;
  if (usernames.length !== 1 || only === undefined) return api.removeMembers({ id, usernames }, { signal });
  try {
    await api.removeMember({ id, username: only }, { signal });
    return [{ username: only, removed: true, reason: undefined }];
  } catch (error) {
    // Agora refuses a single removal (the owner, a non-member) with 403; the batch form reports it per user.
    if (error instanceof AgoraForbiddenError) return [{ username: only, removed: false, reason: error.detail ?? error.message }];
    throw error;
  }
}

builder.mutationFields((t) => ({
  banUser: t.field({
    type: User,
    description: 'Bans (deactivates) a user: they are logged out and cannot log in until unbanned.',
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, { username }, ctx) => ({ username, entity: await chatOf(ctx).users.deactivate(username, { signal: ctx.signal }) }),
  }),
  unbanUser: t.field({
    type: User,
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, { username }, ctx) => {
      await chatOf(ctx).users.activate(username, { signal: ctx.signal });
      return { username };
    },
  }),
  forceUserOffline: t.boolean({
    description: 'Disconnects every device of the user.',
    authScopes: { moderator: true },
    args: { username: t.arg.string({ required: true }) },
    resolve: (_root, { username }, ctx) => chatOf(ctx).users.disconnect(username, { signal: ctx.signal }),
  }),
  setGlobalMute: t.field({
    type: User,
    description: 'Mutes or unmutes a user in one-to-one chats, groups and/or rooms.',
    authScopes: { moderator: true },
    args: { input: t.arg({ type: SetGlobalMuteInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await chatOf(ctx).mutes.set(
        { username: input.username, chat: input.oneToOneSeconds ?? undefined, groupchat: input.groupsSeconds ?? undefined, chatroom: input.roomsSeconds ?? undefined },
        { signal: ctx.signal },
      );
      return { username: input.username };
    },
  }),
  disableGroup: t.field({
    type: Group,
    description: 'Bans a whole group: nobody can send to it until it is enabled.',
    authScopes: { moderator: true },
    args: { groupId: t.arg.string({ required: true }) },
    resolve: async (_root, { groupId }, ctx) => {
      await chatOf(ctx).groups.disable(groupId, { signal: ctx.signal });
      return { kind: 'group' as const, id: groupId };
    },
  }),
  enableGroup: t.field({
    type: Group,
    authScopes: { moderator: true },
    args: { groupId: t.arg.string({ required: true }) },
    resolve: async (_root, { groupId }, ctx) => {
      await chatOf(ctx).groups.enable(groupId, { signal: ctx.signal });
      return { kind: 'group' as const, id: groupId };
    },
  }),
  removeGroupMembers: t.field({
    type: [MemberRemoval],
    description: 'Removes up to 60 members; the owner is never removed.',
    authScopes: { moderator: true },
    args: { groupId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => removeMembers(chatOf(ctx).groups, args.groupId, args.usernames, ctx.signal),
  }),
  removeRoomMembers: t.field({
    type: [MemberRemoval],
    authScopes: { moderator: true },
    args: { roomId: t.arg.string({ required: true }), usernames: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => removeMembers(chatOf(ctx).rooms, args.roomId, args.usernames, ctx.signal),
  }),
}));
