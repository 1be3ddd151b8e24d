/**
 * What each event says is no longer true in the shared reads. Events reach every instance through the
 * event log, so an instance drops what another instance's mutation changed, at once.
 */
import type { GatewayEvent } from '../events/types.ts';
import type { SharedReads } from './shared-reads.ts';

export function invalidate(shared: SharedReads, event: GatewayEvent): void {
  switch (event.kind) {
    case 'group':
    case 'room':
      void shared.invalidate(`chat.${event.kind}s.details:${event.id}`);
      void shared.bump(`chat.${event.kind}s.members:${event.id}`);
      return;
    case 'user-moderation':
    case 'user-updated':
      void shared.invalidate(`chat.users.get:${event.username}`);
      void shared.invalidate(`chat.users.batchStatus:${event.username}`);
      return;
    case 'chat-user-status':
    case 'presence':
      void shared.invalidate(`chat.users.batchStatus:${event.username}`);
      void shared.invalidate(`chat.presence.getMany:${event.username}`);
      return;
    default:
      return;
  }
}
