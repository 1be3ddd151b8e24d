/**
 * What each event says is no longer true: in the shared reads (the values to drop), and for live queries
 * (the resources whose readers must read again). Events reach every instance through the event log, so an
 * instance drops what another instance's mutation changed, at once, and re-runs its own live queries.
 */
import type { GatewayEvent } from '../events/types.ts';
import { sharedKeys } from './keys.ts';
import type { SharedReads } from './shared-reads.ts';

/** Drops what `event` changed; settles once every value is dropped (in Redis too), and never fails. */
export function invalidate(shared: SharedReads, event: GatewayEvent): Promise<unknown> {
  switch (event.kind) {
    case 'group':
    case 'room':
      return Promise.all([
        shared.invalidate(sharedKeys.item(sharedKeys.details(event.kind), event.id)),
        shared.bump(sharedKeys.memberPages(event.kind, event.id)),
        // Those who joined or left: their lists of groups (or rooms) changed.
        ...event.usernames.map((username) => shared.invalidate(sharedKeys.joined(event.kind, username))),
      ]);
    case 'user-moderation':
    case 'user-updated':
      return Promise.all([shared.invalidate(sharedKeys.user(event.username)), shared.invalidate(sharedKeys.item(sharedKeys.onlineStates, event.username))]);
    case 'chat-user-status':
    case 'presence':
      return Promise.all([
        shared.invalidate(sharedKeys.item(sharedKeys.onlineStates, event.username)),
        shared.invalidate(sharedKeys.item(sharedKeys.presence, event.username)),
      ]);
    default:
      return Promise.resolve();
  }
}

/** A root field read with one of its arguments: `Query.user(username:"alice")`. */
export const rootResource = (field: string, argument: string, value: string): string => `${field}(${argument}:${JSON.stringify(value)})`;

/**
 * The resources an event changed, named as live queries record what they read (src/execution/resource-reads.ts):
 * `Type:id` for a node (`User:alice`, `Group:123`), `Query.field` for a root field whose list changed.
 */
export function resourcesChangedBy(event: GatewayEvent): string[] {
  switch (event.kind) {
    case 'group':
    case 'room': {
      const [Type, list, one, key] =
        event.kind === 'group' ? ['Group', 'Query.groups', 'Query.group', 'groupId'] : ['Room', 'Query.rooms', 'Query.room', 'roomId'];
      // Those who joined or left: their lists of groups (or rooms) changed; a deleted one leaves the app's list.
      return [
        `${Type}:${event.id}`,
        rootResource(one, key, event.id),
        ...event.usernames.map((u) => `User:${u}`),
        ...(event.change === 'deleted' ? [list] : []),
      ];
    }
    case 'user-updated':
      // A profile changed, or the user came or went: the app's list of users too, and a `user` that found none.
      return [`User:${event.username}`, rootResource('Query.user', 'username', event.username), 'Query.users'];
    case 'user':
    case 'user-moderation':
    case 'chat-user-status':
    case 'presence':
      return [`User:${event.username}`];
    case 'conversation':
      return [`Conversation:${event.key}`, 'Query.conversations', ...(event.messageId ? [`Message:${event.messageId}`] : [])];
    default:
      // Messages sent, typing, and what callbacks report before it reaches the message store (as 'conversation').
      return [];
  }
}
