/**
 * Users, live: `presenceChanged` (Chat presence of watched users, read by the leader and published on
 * change) and the event poller's state for admins. `moderated` is how moderation mutations publish
 * what they did (it reaches `userEvents`).
 */
import { DENIED_HINT } from '../scopes.ts';
import { z } from 'zod';
import { username } from '../../agora/chat/schemas.ts';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { GatewayEvent } from '../../events/types.ts';
import { builder, type Context } from '../builder.ts';
import { AFTER_DESCRIPTION, anyOf, cursorOf, EventSource, liveEvent, liveFeed, watchCheck, type LiveEvent } from '../common/live.ts';
import { User, userOf } from './types.ts';

type PresenceEventData = Extract<GatewayEvent, { kind: 'presence' }>;
type Moderation = Extract<GatewayEvent, { kind: 'user-moderation' }>['change'];

export function moderated(ctx: Context, username: string, change: Moderation): Promise<void> {
  return ctx.events.publish([{ kind: 'user-moderation', username, change, at: Date.now() }]);
}

/** Says that these users' profiles changed (or they are gone), so that no instance serves a cached copy. */
export function profileChanged(ctx: Context, usernames: readonly string[]): Promise<void> {
  const at = Date.now();
  return ctx.events.publish(usernames.map((username) => ({ kind: 'user-updated' as const, username, at })));
}

const PresenceChange = builder.objectRef<LiveEvent<PresenceEventData>>('PresenceChange').implement({
  authScopes: { user: true },
  description: "A change of a user's Chat presence (online, or the custom status `ext`).",
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    user: t.field({ type: User, resolve: (e) => userOf(e.event.username) }),
    online: t.boolean({ resolve: (e) => e.event.online }),
    ext: t.string({ description: 'The custom status.', resolve: (e) => e.event.ext }),
    at: t.field({ type: 'DateTime', description: 'When the gateway saw the change.', resolve: (e) => new Date(e.event.at) }),
  }),
});

/** How many users one subscription may watch: what one batch presence read covers, ten times. */
const MAX_WATCHED = 10 * CHAT_LIMITS.presenceUsers;
// Chat usernames, as Agora allows them: the presence watcher reads these from Agora.
const WATCHED_USERNAMES = z.array(username).min(1, 'name at least one user').max(MAX_WATCHED, `at most ${MAX_WATCHED} users`);

builder.subscriptionFields((t) => ({
  presenceChanged: t.field({
    type: PresenceChange,
    // Users watch themselves and their contacts.
    authScopes: (_r, args) => ({ watches: args.usernames }),
    extensions: { [DENIED_HINT]: 'Name only "{me}" and your contacts in usernames.' },
    description: `Changes of these users' Chat presence (at most ${MAX_WATCHED} users), read by the gateway every PRESENCE_POLL_INTERVAL_MS in batches of ${CHAT_LIMITS.presenceUsers}.`,
    args: {
      usernames: t.arg.stringList({ required: true, validate: WATCHED_USERNAMES }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      const wanted = anyOf(args.usernames);
      return liveFeed(ctx, args.after, (e): e is PresenceEventData => e.kind === 'presence' && wanted(e.username), {
        watch: args.usernames,
        // Contacts change: whether the viewer may still watch is read again at each event.
        ...watchCheck(ctx, args.usernames),
      });
    },
    resolve: (item) => liveEvent<PresenceEventData>(item),
  }),
}));

const PollerRole = builder.enumType('EventPollerRole', {
  values: {
    LEADER: { value: 'leader', description: "This instance reads Agora's event feeds." },
    STANDBY: { value: 'standby', description: 'Another instance holds the lease; this one takes over if it lapses.' },
    STOPPED: { value: 'stopped' },
  } as const,
});

const EventPollerState = builder.objectRef<ReturnType<Context['events']['pollerStats']>>('EventPollerState').implement({
  authScopes: { admin: true },
  description: 'The Signaling event poller of the instance that answers.',
  fields: (t) => ({
    role: t.field({ type: PollerRole, resolve: (s) => s.role }),
    reads: t.int({ resolve: (s) => s.reads }),
    eventsRead: t.int({ resolve: (s) => s.eventsRead }),
    eventsPublished: t.int({ resolve: (s) => s.eventsPublished }),
    duplicatesDropped: t.int({ description: 'Repeats from another region, dropped.', resolve: (s) => s.duplicatesDropped }),
    possibleLosses: t.int({ description: 'Reads that failed after Agora may have answered: their events may be lost.', resolve: (s) => s.possibleLosses }),
    upstreamStoreFull: t.int({
      description:
        'Drains that found an Agora event store full (2,000): Agora drops older events beyond that before anyone can read them, and does not say how many.',
      resolve: (s) => s.upstreamStoreFull,
    }),
    lagMs: t.int({ nullable: true, description: 'From Agora receiving the newest published event to its publication.', resolve: (s) => s.lagMs ?? null }),
    lastPollAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => (s.lastPollAt ? new Date(s.lastPollAt) : null) }),
    lastError: t.string({ nullable: true, resolve: (s) => s.lastError?.message ?? null }),
  }),
});

builder.queryFields((t) => ({
  eventPoller: t.field({
    type: EventPollerState,
    authScopes: { admin: true },
    description: 'The state of the Signaling event poller on the instance that answers (leader or standby, lag, losses).',
    resolve: (_r, _a, ctx) => ctx.events.pollerStats(),
  }),
}));

// ---- Chat logins and logouts, from Agora's callbacks ----

type StatusData = Extract<GatewayEvent, { kind: 'chat-user-status' }>;

const ChatStatus = builder.enumType('ChatStatus', { values: { ONLINE: { value: 'online' }, OFFLINE: { value: 'offline' } } as const });
const ChatStatusReason = builder.enumType('ChatStatusReason', {
  values: {
    LOGIN: { value: 'login' },
    LOGOUT: { value: 'logout' },
    REPLACED: { value: 'replaced', description: 'Another login of the same device took over.' },
  } as const,
});

const UserStatusChange = builder.objectRef<LiveEvent<StatusData>>('UserStatusChange').implement({
  authScopes: { user: true },
  description: "A Chat login or logout on one device, as Agora's status callback reported it (Agora may drop a callback after one retry).",
  fields: (t) => ({
    cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
    user: t.field({ type: User, resolve: (e) => userOf(e.event.username) }),
    status: t.field({ type: ChatStatus, resolve: (e) => e.event.status }),
    reason: t.field({ type: ChatStatusReason, resolve: (e) => e.event.reason }),
    device: t.string({ nullable: true, resolve: (e) => e.event.device ?? null }),
    source: t.field({ type: EventSource, resolve: (e) => e.event.source }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  userStatusChanged: t.field({
    type: UserStatusChange,
    description: "Chat logins and logouts of these users, per device, as Agora's callbacks report them (beside presenceChanged, which reads presence).",
    authScopes: (_r, args) => ({ watches: args.usernames }),
    extensions: { [DENIED_HINT]: 'Name only "{me}" and your contacts in usernames.' },
    args: {
      usernames: t.arg.stringList({ required: true, validate: WATCHED_USERNAMES }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: (_root, args, ctx) => {
      const wanted = anyOf(args.usernames);
      return liveFeed(ctx, args.after, (e): e is StatusData => e.kind === 'chat-user-status' && wanted(e.username), watchCheck(ctx, args.usernames));
    },
    resolve: (item) => liveEvent<StatusData>(item),
  }),
}));
