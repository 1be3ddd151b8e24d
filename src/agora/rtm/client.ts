import type { RtmContext } from './context.js';
import { createRtmEvents } from './events.js';
import { createRtmHistory } from './history.js';
import { createRtmMessages } from './messages.js';

/** The Signaling (RTM 1.x) REST client: messages, history and events. */
export function createRtmClient(ctx: RtmContext) {
  return { ...createRtmMessages(ctx), ...createRtmHistory(ctx), ...createRtmEvents(ctx) };
}

export type RtmClient = ReturnType<typeof createRtmClient>;
