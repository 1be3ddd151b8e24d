import type { EmulatorContext } from '../context.js';
import type { RouteSpec } from '../router.js';
import { collectiveRoutes, joinedRoute } from './collectives.js';
import { chatContactRoutes } from './contacts.js';
import { chatFileRoutes, historyFileRoute } from './files.js';
import { chatMessageRoutes } from './messages.js';
import { chatMetadataRoutes } from './metadata.js';
import { chatMuteRoutes } from './mutes.js';
import { chatPresenceRoutes } from './presence.js';
import { chatPushRoutes } from './push.js';
import { chatReactionRoutes } from './reactions.js';
import { chatThreadRoutes } from './threads.js';
import { roomAttributeRoutes } from './room-attributes.js';
import { chatUserRoutes } from './users.js';

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
