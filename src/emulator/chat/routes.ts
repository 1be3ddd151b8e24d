import type { EmulatorContext } from '../context.ts';
import type { RouteSpec } from '../router.ts';
import { collectiveRoutes, joinedRoute } from './collectives.ts';
import { chatContactRoutes } from './contacts.ts';
import { chatFileRoutes, historyFileRoute } from './files.ts';
import { chatMessageRoutes } from './messages.ts';
import { chatMetadataRoutes } from './metadata.ts';
import { chatMuteRoutes } from './mutes.ts';
import { chatPresenceRoutes } from './presence.ts';
import { chatPushRoutes } from './push.ts';
import { chatReactionRoutes } from './reactions.ts';
import { chatThreadRoutes } from './threads.ts';
import { roomAttributeRoutes } from './room-attributes.ts';
import { chatUserRoutes } from './users.ts';

/** Every Agora Chat route of the emulator, under /{org_name}/{app_name}. */
export function chatRoutes(ctx: EmulatorContext): RouteSpec[] {
  return [
    historyFileRoute(ctx),
    ...chatPresenceRoutes(ctx),
    ...chatUserRoutes(ctx),
    joinedRoute(ctx, 'group'),
    joinedRoute(ctx, 'room'),
    ...chatMetadataRoutes(ctx),
    ...chatContactRoutes(ctx),
    ...collectiveRoutes(ctx, 'group'),
    ...collectiveRoutes(ctx, 'room'),
    ...roomAttributeRoutes(ctx),
    ...chatMessageRoutes(ctx),
    ...chatMuteRoutes(ctx),
    ...chatReactionRoutes(ctx),
    ...chatThreadRoutes(ctx),
    ...chatPushRoutes(ctx),
    ...chatFileRoutes(ctx),
  ];
}
