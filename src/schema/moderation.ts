import type { ChatClient } from '../agora/chat/client.ts';
import type { Removal } from '../agora/chat/collectives.ts';
import { AgoraForbiddenError } from '../agora/errors.ts';
import { domainErrors } from './domain-errors.ts';
import { builder } from './builder.ts';
import { chatOf } from './chat.ts';
import { Group } from './collectives/types.ts';
import { User } from './user.ts';


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
}));
