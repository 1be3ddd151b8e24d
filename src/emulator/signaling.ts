/**
 * The Signaling (RTM 1.x) REST surface of the emulator, under /dev/v2/project/<appid>: peer and channel
 * messages (seeds 001/003), user and channel events (seed 002) and message history (agora-api.md §1.1),
 * with the documented validation, answers and status codes.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SIGNALING_LIMITS } from '../agora/limits.ts';
import { signalingChannel, signalingPayload, signalingSender, signalingUser } from './rules.ts';
import type { EmulatorContext } from './context.ts';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from './router.ts';
import { newRequestId } from './state.ts';
import { bodyObject, validate } from './validate.ts';

export const SIGNALING_BASE = '/dev/v2/project/:appid';

/** The Signaling error answer: Agora documents only the status codes, so the body is kept minimal. */
export function signalingError(status: number, message: string): EmulatorResponse {
  return { status, body: { result: 'failed', request_id: newRequestId(), message } };
}

const ok = (body: Record<string, unknown>): EmulatorResponse => ({
  status: 200,
  body: { result: 'success', request_id: newRequestId(), ...body },
});

/** Validates a value as Agora does; a failure is the 400 answer naming the field (`at` prefixes paths). */
const check = <S extends z.ZodType>(schema: S, value: unknown, at?: string) =>
  validate(schema, value, (field, message) =>
    signalingError(400, `Invalid ${[at, field].filter(Boolean).join('.') || 'request'}: ${message ?? 'bad request'}`),
  );

const peerBody = z.object({
  destination: signalingUser,
  enable_offline_messaging: z.boolean().optional(),
  enable_historical_messaging: z.boolean().optional(),
  payload: signalingPayload,
});

const channelBody = z.object({
  channel_name: signalingChannel,
  enable_historical_messaging: z.boolean().optional(),
  payload: signalingPayload,
});

const waitForAck = z.enum(['true', 'false']).optional();

/** `yyyy-mm-ddThh:mm:ssZ`; a fraction of a second is tolerated, as Agora does. */
const agoraInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'must be UTC in the form yyyy-mm-ddThh:mm:ssZ')
  .transform((s) => Date.parse(s));

const historyFilter = z
  .object({
    source: signalingUser.optional(),
    destination: signalingUser.optional(),
    start_time: agoraInstant,
    end_time: agoraInstant,
  })
  .refine((f) => f.source || f.destination, { message: 'give a source, a destination or both', path: ['destination'] });

const historyQueryBody = z.object({
  filter: historyFilter,
  offset: z.number().int().min(0).optional(),
  limit: z.union([z.literal(20), z.literal(50), z.literal(100)], { error: 'limit must be 20, 50 or 100' }).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

const HISTORY_DEFAULT_LIMIT = 20;

export function signalingRoutes(ctx: EmulatorContext): RouteSpec[] {
  const route = (spec: Omit<RouteSpec, 'service' | 'pattern'> & { path: string }): RouteSpec => ({
    ...spec,
    service: 'signaling',
    pattern: `${SIGNALING_BASE}${spec.path}`,
  });

  const channelEvents = (req: EmulatorRequest) => {
    const events = ctx.state.signaling.takeChannelEvents(SIGNALING_LIMITS.eventsPerRead, req.region);
    return ok({ events });
  };

  return [
    route({
      name: 'signaling.sendPeerMessage',
      method: 'POST',
      path: '/rtm/users/:user_id/peer_messages',
      budget: 'signaling.messages',
      senderParam: 'user_id',
      handler: (req) => {
        const from = check(signalingSender, req.params.user_id, 'user_id');
        if (!from.ok) return from.response;
        const ack = check(waitForAck, req.query.get('wait_for_ack') ?? undefined, 'wait_for_ack');
        if (!ack.ok) return ack.response;
        const body = check(peerBody, bodyObject(req));
        if (!body.ok) return body.response;
        const b = body.value;
        const signaling = ctx.state.signaling;
        const at = Date.now();
        const delivered = signaling.deliverPeer({ from: from.value, to: b.destination, payload: b.payload, at }, b.enable_offline_messaging ?? false);
        if (b.enable_historical_messaging) {
          signaling.storeHistory({ src: from.value, dst: b.destination, message_type: 'peer_message', payload: b.payload, ms: at });
        }
        if (ack.value !== 'true') return ok({ code: 'message_sent' });
        if (delivered === 'online') return ok({ code: 'message_delivered' });
        // Seed 001 shows the offline answer without `result`.
        return { status: 200, body: { request_id: newRequestId(), code: 'message_offline' } };
      },
    }),
    route({
      name: 'signaling.sendChannelMessage',
      method: 'POST',
      path: '/rtm/users/:user_id/channel_messages',
      budget: 'signaling.messages',
      senderParam: 'user_id',
      handler: (req) => {
        const from = check(signalingSender, req.params.user_id, 'user_id');
        if (!from.ok) return from.response;
        const body = check(channelBody, bodyObject(req));
        if (!body.ok) return body.response;
        const b = body.value;
        const at = Date.now();
        ctx.state.signaling.deliverChannel({ from: from.value, to: b.channel_name, payload: b.payload, at });
        if (b.enable_historical_messaging) {
          ctx.state.signaling.storeHistory({ src: from.value, dst: b.channel_name, message_type: 'channel_message', payload: b.payload, ms: at });
        }
        return ok({ code: 'message_sent' });
      },
    }),
    route({
      name: 'signaling.getUserEvents',
      method: 'GET',
      path: '/rtm/vendor/user_events',
      budget: 'signaling.events',
      handler: (req) => ok({ events: ctx.state.signaling.takeUserEvents(SIGNALING_LIMITS.eventsPerRead, req.region) }),
    }),
    route({ name: 'signaling.getChannelEvents', method: 'GET', path: '/rtm/vendor/channel_events', budget: 'signaling.events', handler: channelEvents }),
    // Seed 002's request URL for channel events reads /rtm/hook/; the endpoint line reads /rtm/vendor/. Both are served.
    route({ name: 'signaling.getChannelEvents', method: 'GET', path: '/rtm/hook/channel_events', budget: 'signaling.events', handler: channelEvents }),
    route({
      name: 'signaling.countHistory',
      method: 'GET',
      path: '/rtm/message/history/count',
      budget: 'signaling.history',
      handler: (req) => {
        const filter = check(historyFilter, {
          source: req.query.get('source') || undefined,
          destination: req.query.get('destination') || undefined,
          start_time: req.query.get('start_time') ?? undefined,
          end_time: req.query.get('end_time') ?? undefined,
        });
        if (!filter.ok) return filter.response;
        const f = filter.value;
        const count = ctx.state.signaling.matchHistory({ source: f.source, destination: f.destination, startMs: f.start_time, endMs: f.end_time }).length;
        return ok({ code: 'ok', count });
      },
    }),
    route({
      name: 'signaling.queryHistory',
      method: 'POST',
      path: '/rtm/message/history/query',
      budget: 'signaling.history',
      handler: (req) => {
        const body = check(historyQueryBody, bodyObject(req));
        if (!body.ok) return body.response;
        const b = body.value;
        const handle = randomBytes(12).toString('hex');
        const now = Date.now();
        const offset = b.offset ?? 0;
        const limit = b.limit ?? HISTORY_DEFAULT_LIMIT;
        const order = b.order ?? 'asc';
        ctx.state.signaling.queries.set(handle, {
          filter: { source: b.filter.source, destination: b.filter.destination, startMs: b.filter.start_time, endMs: b.filter.end_time },
          offset,
          limit,
          order,
          readyAt: now + ctx.settings.historyReadyDelayMs,
          expiresAt: now + ctx.settings.historyHandleTtlMs,
        });
        return { status: 200, body: { result: 'success', offset, limit, order, location: `~/rtm/message/history/query/${handle}` } };
      },
    }),
    route({
      name: 'signaling.getHistoryPage',
      method: 'GET',
      path: '/rtm/message/history/query/:handle',
      budget: 'signaling.history',
      handler: (req) => {
        const query = ctx.state.signaling.queries.get(req.params.handle ?? '');
        if (!query) return signalingError(404, 'Unknown history query handle');
        const now = Date.now();
        if (now >= query.expiresAt) {
          ctx.state.signaling.queries.delete(req.params.handle ?? '');
          return signalingError(410, 'The history query handle has expired; start a new query');
        }
        if (now < query.readyAt) return ok({ code: 'in progress' });
        const matched = ctx.state.signaling.matchHistory(query.filter).sort((a, b) => (query.order === 'asc' ? a.ms - b.ms : b.ms - a.ms));
        return ok({ code: 'ok', messages: matched.slice(query.offset, query.offset + query.limit) });
      },
    }),
  ];
}
