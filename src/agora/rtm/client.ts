import type { RtmContext } from './context.ts';
import { createRtmEvents } from './events.ts';
import { createRtmHistory } from './history.ts';
import { createRtmMessages } from './messages.ts';

/** The Signaling (RTM 1.x) REST client: messages, history and events. */
export function createRtmClient(ctx: RtmContext) {
  return { ...createRtmMessages(ctx), ...createRtmHistory(ctx), ...createRtmEvents(ctx) };
}

export type RtmClient = ReturnType<typeof createRtmClient>;
