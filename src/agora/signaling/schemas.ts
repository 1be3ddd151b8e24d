/**
 * Signaling (RTM 1.x) shapes: the validated inputs the client accepts (camelCase) and the wire answers
 * it parses (snake_case, kept inside src/agora). Rules from seeds 001-003 and agora-api.md §1.
 */
import { z } from 'zod';
import { SIGNALING_LIMITS } from '../limits.ts';

/**
 * Seed 001: letters, digits, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , '
 * (the seed's garbled `" , "` entry is `{` and `}`, as the RTM 2 page lists them).
 */
const ID_CHARACTER = /^[A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,']$/u;

function idSchema(what: string, opts: { inUrl: boolean }) {
  return z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(SIGNALING_LIMITS.idMaxLength, `${what} must be at most ${SIGNALING_LIMITS.idMaxLength} characters`)
    .superRefine((value, ctx) => {
      const bad = [...value].find((ch) => !ID_CHARACTER.test(ch));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${what} contains ${JSON.stringify(bad)}, which Agora does not allow` });
      }
      if (opts.inUrl && (value.startsWith(' ') || value.endsWith(' '))) {
        ctx.addIssue({ code: 'custom', message: `${what} must not start or end with a space` });
      }
    });
}

/** A user id that travels in the URL (the sender): no leading or trailing space. */
export const senderId = idSchema('user id', { inUrl: true });
/** A user id in a request body. */
export const userId = idSchema('user id', { inUrl: false });
export const channelName = idSchema('channel name', { inUrl: false });

export const payload = z
  .string({ error: 'payload must be a string' })
  .min(1, 'payload must not be empty')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= SIGNALING_LIMITS.payloadMaxBytes, {
    message: `payload must be at most ${SIGNALING_LIMITS.payloadMaxBytes} bytes (32 KB) in UTF-8`,
  });

/** What a send does when the caller does not say; the GraphQL schema shows the same values as its defaults. */
export const SIGNALING_SEND_DEFAULTS = { waitForAck: false, enableOfflineMessaging: false, enableHistoricalMessaging: false } as const;
/** History comes oldest first unless asked otherwise. */
export const HISTORY_DEFAULT_ORDER = 'asc';

export const sendPeerMessageInput = z.object({
  from: senderId,
  to: userId,
  payload,
  waitForAck: z.boolean().default(SIGNALING_SEND_DEFAULTS.waitForAck),
  enableOfflineMessaging: z.boolean().default(SIGNALING_SEND_DEFAULTS.enableOfflineMessaging),
  enableHistoricalMessaging: z.boolean().default(SIGNALING_SEND_DEFAULTS.enableHistoricalMessaging),
});
export type SendPeerMessageInput = z.input<typeof sendPeerMessageInput>;

export const sendChannelMessageInput = z.object({
  from: senderId,
  channel: channelName,
  payload,
  enableHistoricalMessaging: z.boolean().default(SIGNALING_SEND_DEFAULTS.enableHistoricalMessaging),
});
export type SendChannelMessageInput = z.input<typeof sendChannelMessageInput>;

const instant = z.union([z.date(), z.iso.datetime({ offset: false })]).transform((v) => new Date(v));

const historyFilterFields = {
  /** A user id (the sender). */
  source: userId.optional(),
  /** A user id or a channel name (the receiver). */
  destination: userId.optional(),
  startTime: instant,
  endTime: instant,
};

const filterRules = <T extends { source?: string | undefined; destination?: string | undefined; startTime: Date; endTime: Date }>(
  value: T,
  ctx: z.RefinementCtx,
) => {
  if (!value.source && !value.destination) {
    ctx.addIssue({ code: 'custom', path: ['destination'], message: 'give a source, a destination or both' });
  }
  // zod runs object refinements even when a field failed, so the times may not be dates here.
  const bothDates = value.startTime instanceof Date && value.endTime instanceof Date;
  if (bothDates && value.endTime.getTime() <= value.startTime.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'endTime must be after startTime' });
  }
};

export const historyFilterInput = z.object(historyFilterFields).superRefine(filterRules);
export type HistoryFilterInput = z.input<typeof historyFilterInput>;

export const historyQueryInput = z
  .object({
    ...historyFilterFields,
    offset: z.number().int().min(0).optional(),
    limit: z.union([z.literal(20), z.literal(50), z.literal(100)], { error: 'limit must be 20, 50 or 100' }).optional(),
    order: z.enum(['asc', 'desc']).default(HISTORY_DEFAULT_ORDER),
  })
  .superRefine(filterRules);
export type HistoryQueryInput = z.input<typeof historyQueryInput>;

export const historyHandle = z
  .string()
  .min(1, 'handle must not be empty')
  .max(256)
  .regex(/^[A-Za-z0-9_-]+$/, 'handle must be the id Agora returned');

/** Agora wants `yyyy-mm-ddThh:mm:ssZ`, UTC, no fraction. */
export const agoraTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---- wire answers ----

export const sendResponse = z.object({
  result: z.string().optional(),
  request_id: z.string().optional(),
  code: z.enum(['message_sent', 'message_delivered', 'message_offline']),
});

/** Seed 002 gives `ms`; older pages give `ts`. Both are accepted. */
const eventTime = z.object({ ms: z.number().optional(), ts: z.number().optional() });

export const userEventsResponse = z.object({
  result: z.string().optional(),
  request_id: z.string().optional(),
  events: z.array(eventTime.extend({ user_id: z.string(), type: z.enum(['Login', 'Logout']) })),
});

/** Seed 002 gives `group_id`; older pages give `channel_id`. */
export const channelEventsResponse = z.object({
  result: z.string().optional(),
  request_id: z.string().optional(),
  events: z.array(
    eventTime.extend({
      group_id: z.string().optional(),
      channel_id: z.string().optional(),
      user_id: z.string(),
      type: z.enum(['Join', 'Leave']),
    }),
  ),
});

export const historyQueryResponse = z.object({
  result: z.string().optional(),
  offset: z.number().optional(),
  limit: z.number().optional(),
  order: z.string().optional(),
  location: z.string().regex(/\/rtm\/message\/history\/query\/[^/]+$/),
});

export const historyMessagesResponse = z.object({
  result: z.string().optional(),
  request_id: z.string().optional(),
  code: z.enum(['ok', 'in progress']),
  messages: z
    .array(
      eventTime.extend({
        src: z.string(),
        dst: z.string().optional(),
        dest: z.string().optional(),
        message_type: z.enum(['peer_message', 'channel_message']),
        payload: z.string(),
      }),
    )
    .optional(),
});

export const historyCountResponse = z.object({
  result: z.string().optional(),
  request_id: z.string().optional(),
  code: z.enum(['ok', 'in progress']).optional(),
  count: z.number().int().min(0),
});
