/**
 * Groups and rooms, live: `groupChanged` and `roomChanged` carry what the gateway's own mutations
 * changed (membership, admins, owner, settings, bans, deletion). `changed` is how those mutations
 * publish it.
 */
import type { CollectiveKind } from '../../agora/chat/collectives.ts';
import { resourceId } from '../../agora/chat/schemas.ts';
import type { CollectiveChange, GatewayEvent } from '../../events/types.ts';
import { builder, type Context } from '../builder.ts';
import { nullIfNotFound } from '../common/errors.ts';
import { AFTER_DESCRIPTION, cursorOf, EventSource, liveEvent, liveFeed, membershipCheck, routingKey, type LiveEvent } from '../common/live.ts';
import { User, userOf } from '../users/types.ts';
import { Group, Room } from './types.ts';

type CollectiveEventData = Extract<GatewayEvent, { kind: 'group' | 'room' }>;

/** Publishes a change a mutation made to a group or room. */
export function changed(ctx: Context, kind: CollectiveKind, id: string, change: CollectiveChange, usernames: readonly string[] = []): Promise<void> {
  return ctx.events.publish([{ kind, id, change, usernames: [...usernames], at: Date.now() }]);
}

const CollectiveChangeKind = builder.enumType('CollectiveChangeKind', {
  values: {
    MEMBERS_ADDED: { value: 'members-added' },
    MEMBERS_REMOVED: { value: 'members-removed' },
    ADMIN_ADDED: { value: 'admin-added' },
    ADMIN_REMOVED: { value: 'admin-removed' },
    OWNER_TRANSFERRED: { value: 'owner-transferred', description: '`users` holds the new owner.' },
    UPDATED: { value: 'updated', description: 'Name, description or settings changed.' },
    DELETED: { value: 'deleted' },
    DISABLED: { value: 'disabled' },
    ENABLED: { value: 'enabled' },
  } as const,
});

function changeType(kind: CollectiveKind) {
  const Name = kind === 'group' ? 'Group' : 'Room';
  const target = kind === 'group' ? Group : Room;
  const ref = builder.objectRef<LiveEvent<CollectiveEventData>>(`${Name}Change`).implement({
    authScopes: { user: true },
    description: `A change made to a ${kind} through this gateway.`,
    fields: (t) => ({
      cursor: t.string({ description: 'Resume after this event with `after`.', resolve: cursorOf }),
      change: t.field({ type: CollectiveChangeKind, resolve: (e) => e.event.change }),
      [`${kind}Id`]: t.string({ resolve: (e) => e.event.id }),
      users: t.field({ type: [User], description: 'The members, admin or owner the change is about.', resolve: (e) => e.event.usernames.map(userOf) }),
      // Read when the event is resolved, with loaders of the event's own: null once deleted.
      [kind]: t.field({
        type: target,
        nullable: true,
        resolve: async (e, _a, ctx) => {
          const details = await nullIfNotFound((kind === 'group' ? ctx.loaders.groups : ctx.loaders.rooms).load(e.event.id));
          return details && { kind, id: e.event.id, details };
        },
      }),
      at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.at) }),
      source: t.field({ type: EventSource, resolve: (e) => e.event.source ?? 'gateway' }),
    }),
  });
  builder.subscriptionFields((t) => ({
    [`${kind}Changed`]: t.field({
      type: ref,
      // Members follow their group or room, and only while they belong to it: checked again at every event.
      authScopes: (_r, args) => ({ memberOf: { kind, id: String(args[`${kind}Id`]) } }),
      description: `Changes made to one ${kind} through this gateway, for its members (until they leave it).`,
      args: { [`${kind}Id`]: t.arg.string({ required: true, validate: resourceId(`${kind}Id`) }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
      subscribe: (_root, args, ctx) => {
        const id = String(args[`${kind}Id`]);
        return liveFeed(ctx, args.after as string | null | undefined, (e): e is CollectiveEventData => e.kind === kind && e.id === id, {
          ...membershipCheck(ctx, { kind, id }),
          keys: [routingKey.collective(kind, id)],
        });
      },
      resolve: (item) => liveEvent<CollectiveEventData>(item),
    }),
  }));
}

changeType('group');
changeType('room');
