import { z } from 'zod';
import { CHAT_LIMITS } from '../agora/limits.ts';
import type { GlobalMute as GlobalMuteModel } from '../agora/chat/mutes.ts';
import type { Presence as PresenceModel } from '../agora/chat/presence.ts';
import type { ChatUser } from '../agora/chat/schemas.ts';
import { builder, type Context } from './builder.ts';
import { chatOf } from './chat.ts';
import { nullIfNotFound } from './errors.ts';
import { cursorConnection, FORWARDS_ONLY } from './pagination.ts';

/**
 * A user of the graph is their username until a field needs more: listing members costs nothing per
 * user, and `online`, `presence` and `attributes` go through batch loaders.
 */
export interface UserSource {
  username: string;
  entity?: ChatUser;
}

export const userOf = (username: string): UserSource => ({ username });

export const Presence = builder.objectRef<PresenceModel>('Presence').implement({
  authScopes: { user: true },
  description: "A user's presence: a status per device, and the note they set.",
  fields: (t) => ({
    online: t.exposeBoolean('online', { description: 'True when any device reports "1" (online).' }),
    devices: t.field({
      type: [PresenceDevice],
      description: 'Status per device resource: "0" offline, "1" online, or an app-defined value.',
      resolve: (p) => Object.entries(p.devices).map(([resource, status]) => ({ resource, status })),
    }),
    ext: t.exposeString('ext', { description: 'The free-form note the user set with their status (at most 1 KB).' }),
    lastChangedAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => (p.lastChangedAt ? new Date(p.lastChangedAt) : null) }),
  }),
});

const PresenceDevice = builder.objectRef<{ resource: string; status: string }>('PresenceDevice').implement({
  authScopes: { user: true },
  fields: (t) => ({
    resource: t.exposeString('resource', { description: 'The device resource, e.g. "ios_1".' }),
    status: t.exposeString('status'),
  }),
});

export const User = builder.objectRef<UserSource>('User');

const entityOf = (u: UserSource, ctx: Context): Promise<ChatUser> => (u.entity ? Promise.resolve(u.entity) : ctx.loaders.users.load(u.username));

builder.node(User, {
  authScopes: { user: true },
  description: 'An Agora Chat user. `username` is the Agora user id.',
  id: { resolve: (u) => u.username },
  loadOne: async (username, ctx) => {
    const entity = await nullIfNotFound(ctx.loaders.users.load(username));
    return entity && { username, entity };
  },
  fields: (t) => ({
    username: t.exposeString('username', { description: 'The Agora user id: 1 to 64 characters of a-z 0-9 _ - .' }),
    nickname: t.string({ nullable: true, resolve: async (u, _a, ctx) => (await entityOf(u, ctx)).nickname ?? null }),
    activated: t.boolean({ description: 'False while the user is banned.', resolve: async (u, _a, ctx) => (await entityOf(u, ctx)).activated }),
    createdAt: t.field({ type: 'DateTime', resolve: async (u, _a, ctx) => new Date((await entityOf(u, ctx)).createdAt) }),
    online: t.boolean({
      description: 'Whether a device of the user is connected (batched: 100 users per upstream call).',
      resolve: async (u, _a, ctx) => (await ctx.loaders.onlineStatus.load(u.username)) === 'online',
    }),
    presence: t.field({
      type: Presence,
      description: 'Presence (batched: 100 users per upstream call).',
      resolve: (u, _a, ctx) => ctx.loaders.presence.load(u.username),
    }),
    attributes: t.field({
      type: 'JSON',
      description: 'The named user attributes, as an object (batched: 100 users per upstream call).',
      args: {
        keys: t.arg.stringList({
          required: true,
          validate: z.array(z.string().min(1, 'attribute names must not be empty').max(128)).min(1, 'name at least one attribute').max(100),
        }),
      },
      resolve: (u, args, ctx) => ctx.loaders.attributes(args.keys).load(u.username),
    }),
    contacts: t.field({
      authScopes: (u) => ({ self: u.username }),
      type: [User],
      description: "The user's contact list.",
      resolve: async (u, _a, ctx) => (await chatOf(ctx).contacts.list(u.username)).map(userOf),
    }),
    blocked: t.field({
      authScopes: (u) => ({ self: u.username }),
      type: [User],
      description: 'The users this user has blocked.',
      resolve: async (u, _a, ctx) => (await chatOf(ctx).contacts.listBlocked(u.username)).map(userOf),
    }),
    offlineMessageCount: t.int({
      authScopes: (u) => ({ self: u.username }),
      description: 'Messages waiting for the user to come online.',
      resolve: (u, _a, ctx) => chatOf(ctx).users.offlineMessageCount(u.username),
    }),
  }),
});

const GlobalMute = builder.objectRef<GlobalMuteModel>('GlobalMute').implement({
  authScopes: { user: true },
  description: 'Seconds left of a global mute per scope: 0 when not muted, -1 until unmuted.',
  fields: (t) => ({
    oneToOne: t.exposeInt('chat'),
    groups: t.exposeInt('groupchat'),
    rooms: t.exposeInt('chatroom'),
  }),
});

builder.objectFields(User, (t) => ({
  mute: t.field({
    type: GlobalMute,
    description: "The user's global mute.",
    authScopes: (u) => ({ self: u.username }),
    resolve: (u, _a, ctx) => chatOf(ctx).mutes.get(u.username, { signal: ctx.signal }),
  }),
}));

builder.queryFields((t) => ({
  viewer: t.field({
    authScopes: { public: true },
    type: User,
    nullable: true,
    description: 'The user making the request; null for service (API key or admin) requests.',
    resolve: (_root, _args, ctx) => (ctx.viewer.username ? userOf(ctx.viewer.username) : null),
  }),
  user: t.field({
    authScopes: { user: true },
    type: User,
    nullable: true,
    description: 'A user by username; null when no such user exists.',
    args: { username: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const entity = await ctx.loaders.users.load(args.username).catch((error: unknown) => {
        if ((error as { kind?: string }).kind === 'not_found') return undefined;
        throw error;
      });
      return entity ? { username: args.username, entity } : null;
    },
  }),
  users: t.connection({
    authScopes: { user: true },
    type: User,
    description: `Every user of the app, in registration order. ${FORWARDS_ONLY}`,
    resolve: async (_root, args, ctx) => {
      const connection = await cursorConnection(args, (cursor, limit) => chatOf(ctx).users.list({ limit, cursor }), CHAT_LIMITS.userListLimit);
      return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: { username: e.node.username, entity: e.node } })) };
    },
  }),
}));
