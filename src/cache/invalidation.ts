/**
 * What each event says is no longer true in the shared reads. Events reach every instance through the
 * event log, so an instance drops what another instance's mutation changed, at once.
 */
import type { GatewayEvent } from '../events/types.ts';
import { sharedKeys } from './keys.ts';
import type { SharedReads } from './shared-reads.ts';

export function invalidate(shared: SharedReads, event: GatewayEvent): void {
  switch (event.kind) {
    case 'group':
    case 'room':
      void shared.invalidate(sharedKeys.item(sharedKeys.details(event.kind), event.id));
      void shared.bump(sharedKeys.memberPages(event.kind, event.id));
      // Those who joined or left: their lists of groups (or rooms) changed.
      for (const username of event.usernames) void shared.invalidate(sharedKeys.joined(event.kind, username));
      return;
    case 'user-moderation':
    case 'user-updated':
      void shared.invalidate(sharedKeys.user(event.username));
      void shared.invalidate(sharedKeys.item(sharedKeys.onlineStates, event.username));
      return;
    case 'chat-user-status':
    case 'presence':
      void shared.invalidate(sharedKeys.item(sharedKeys.onlineStates, event.username));
      void shared.invalidate(sharedKeys.item(sharedKeys.presence, event.username));
      return;
    default:
      return;
  }
}
