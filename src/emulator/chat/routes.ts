import type { EmulatorContext } from '../context.js';
import type { RouteSpec } from '../router.js';
import { chatContactRoutes } from './contacts.js';
import { chatMetadataRoutes } from './metadata.js';
import { chatUserRoutes } from './users.js';

/** Every Agora Chat route of the emulator, under /{org_name}/{app_name}. */
export function chatRoutes(ctx: EmulatorContext): RouteSpec[] {
  return [...chatUserRoutes(ctx), ...chatMetadataRoutes(ctx), ...chatContactRoutes(ctx)];
}
