/** The User type and what hangs off it: presence, attributes, contacts, blocks, mute, presence subscriptions. */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { GlobalMute as GlobalMuteModel } from '../../agora/chat/mutes.ts';
import type { Presence as PresenceModel } from '../../agora/chat/presence.ts';
import type { ChatUser } from '../../agora/chat/schemas.ts';
import { builder, type Context } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { nullIfNotFound } from '../common/errors.ts';
import { numberedConnection } from '../common/pagination.ts';
import { costRules } from '../common/cost-rules.ts';

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
      resolve: async (u, _a, ctx) => (await ctx.loaders.online.load(u.username)) === 'online',
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
      // Private: a denial nulls this field alone, not the user (whose public fields stay).
      nullable: true,
      type: [User],
      description: "The user's contact list.",
      resolve: async (u, _a, ctx) => (await chatOf(ctx).contacts.list(u.username)).map(userOf),
    }),
    blocked: t.field({
      authScopes: (u) => ({ self: u.username }),
      // Private: a denial nulls this field alone, not the user (whose public fields stay).
      nullable: true,
      type: [User],
      description: 'The users this user has blocked.',
      resolve: async (u, _a, ctx) => (await chatOf(ctx).contacts.listBlocked(u.username)).map(userOf),
    }),
    offlineMessageCount: t.int({
      authScopes: (u) => ({ self: u.username }),
      // Private: a denial nulls this field alone, not the user (whose public fields stay).
      nullable: true,
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
    // Private: a denial nulls this field alone, not the user (whose public fields stay).
    nullable: true,
    resolve: (u, _a, ctx) => chatOf(ctx).mutes.get(u.username),
  }),
}));

export const MutedUser = builder.objectRef<{ username: string; chat: number; groupchat: number; chatroom: number }>('MutedUser').implement({
  authScopes: { user: true },
  description: 'A globally muted user: seconds left per scope (0 not muted, -1 until unmuted).',
  fields: (t) => ({
    user: t.field({ type: User, resolve: (m) => userOf(m.username) }),
    oneToOne: t.exposeInt('chat'),
    groups: t.exposeInt('groupchat'),
    rooms: t.exposeInt('chatroom'),
  }),
});

builder.objectFields(User, (t) => ({
  allAttributes: t.field({
    authScopes: (u) => ({ self: u.username }),
    // Private: a denial nulls this field alone, not the user (whose public fields stay).
    nullable: true,
    type: 'JSON',
    description: 'Every attribute of the user (one upstream call per user; prefer `attributes(keys:)` in lists).',
    resolve: (u, _a, ctx) => chatOf(ctx).metadata.get(u.username),
  }),
  presenceSubscriptions: t.connection({
    authScopes: (u) => ({ self: u.username }),
    // Private: a denial nulls this field alone, not the user (whose public fields stay).
    nullable: true,
    type: User,
    description: 'Whose presence the user subscribes to.',
    resolve: async (u, args, ctx) => {
      const c = await numberedConnection(
        args,
        async (pageNum, pageSize) => {
          const page = await chatOf(ctx).presence.subscriptions({ username: u.username, pageNum, pageSize });
          return { items: page.items, hasMore: pageNum * pageSize < page.total };
        },
        CHAT_LIMITS.presenceSublistPageSize,
      );
      return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: userOf(e.node.username) })) };
    },
  }),
}));

const userEntity = { kind: 'batch', loader: 'users' } as const;

costRules({
  'User.nickname': userEntity,
  'User.activated': userEntity,
  'User.createdAt': userEntity,
  'User.online': { kind: 'batch', loader: 'online' },
  'User.presence': { kind: 'batch', loader: 'presence' },
  'User.attributes': { kind: 'batch', loader: 'attributes', argKey: 'keys' },
  'User.contacts': { kind: 'call', children: 'estimate' },
  'User.blocked': { kind: 'call', children: 'estimate' },
  'User.offlineMessageCount': { kind: 'call' },
  'User.mute': { kind: 'call' },
  'User.allAttributes': { kind: 'call' },
  'User.presenceSubscriptions': { kind: 'pages', pageSize: CHAT_LIMITS.presenceSublistPageSize },
});
