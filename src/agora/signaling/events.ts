/**
 * Signaling user and channel events (seed 002). These reads are destructive: Agora removes every event
 * it returns, returns at most 1,000 per read and keeps at most 2,000. So a read is never repeated once a
 * response may exist (a repeated read could drop a batch); a possible loss is counted by the HTTP layer.
 * Only the event poller should call these. Both share the 10 requests/s budget, at background priority.
 */
import { z } from 'zod';
import { endpoint } from '../endpoint.ts';
import type { SignalingContext } from './context.ts';
import { channelEventsResponse, userEventsResponse } from './schemas.ts';

export interface UserEvent {
  /** The Signaling user id (`user_id` on the wire): the same name as through the rest of the event path. */
  username: string;
  type: 'login' | 'logout';
  /** Epoch milliseconds at which Agora received the event. */
  at: number;
}

export interface ChannelEvent {
  channel: string;
  username: string;
  type: 'join' | 'leave';
  at: number;
}

export interface EventBatch<E> {
  events: E[];
  requestId: string | undefined;
}

const noInput = z.undefined();
const timeOf = (e: { ms?: number | undefined; ts?: number | undefined }): number => e.ms ?? e.ts ?? 0;

export function createSignalingEvents(ctx: SignalingContext) {
  const feed = { budget: 'signaling.events', method: 'GET', replay: 'destructive', priority: 'background', input: noInput } as const;
  return {
    /** Reads (and so removes) up to 1,000 login and logout events, oldest first. */
    getUserEvents: endpoint(ctx, {
      ...feed,
      operation: 'signaling.getUserEvents',
      path: () => '/rtm/vendor/user_events',
      response: userEventsResponse,
      result: ({ data, requestId }): EventBatch<UserEvent> => ({
        requestId,
        events: data.events.map((e) => ({ username: e.user_id, type: e.type === 'Login' ? 'login' : 'logout', at: timeOf(e) })),
      }),
    }),

    /** Reads (and so removes) up to 1,000 join and leave events, oldest first. */
    getChannelEvents: endpoint(ctx, {
      ...feed,
      operation: 'signaling.getChannelEvents',
      path: () => '/rtm/vendor/channel_events',
      response: channelEventsResponse,
      result: ({ data, requestId }): EventBatch<ChannelEvent> => ({
        requestId,
        events: data.events.map((e) => ({
          channel: e.group_id ?? e.channel_id ?? '',
          username: e.user_id,
          type: e.type === 'Join' ? 'join' : 'leave',
          at: timeOf(e),
        })),
      }),
    }),
  };
}
