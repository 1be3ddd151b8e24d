import type { HostPlan } from '../hosts.ts';
import type { SignalingContext } from './context.ts';
import { createSignalingEvents } from './events.ts';
import { createSignalingHistory } from './history.ts';
import { createSignalingMessages } from './messages.ts';

/**
 * The Signaling (RTM 1.x) REST client: messages, history and events.
 *
 * Event reads stay in the region they are sent to: Agora stores events per region and does not
 * synchronise them (seed 002), so they may fail over to the alternate domain (the same region under
 * another name) but never to the adjacent region, whose store holds other events, or the same ones
 * again. `eventsIn(plan)` reads another region's store explicitly; the poller dedupes what comes back.
 */
export function createSignalingClient(ctx: SignalingContext) {
  const inRegion = (hosts: HostPlan) =>
    createSignalingEvents({ ...ctx, upstream: { ...ctx.upstream, hosts: { primary: hosts.primary, alternate: hosts.alternate } } });
  return { ...createSignalingMessages(ctx), ...createSignalingHistory(ctx), ...inRegion(ctx.upstream.hosts), eventsIn: inRegion };
}

export type SignalingClient = ReturnType<typeof createSignalingClient>;
