/**
 * Agora's documented limits, as data. The client's rate budgets, the input validation and the emulator's
 * enforcement all read this one table, so a limit is changed in one place.
 * Sources: seeds 000-003 (Signaling), ../shared/agora-api.md §1.
 */

/** At most `limit` calls in any window of `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

const perSecond = (limit: number): RateLimit => ({ limit, windowMs: 1000 });

/** Rate limits per endpoint class. A class is shared by every endpoint that counts against it. */
export const RATE_LIMITS = {
  /** Seed 000/001: peer-to-peer plus channel messages, 500 calls/s per app id combined. */
  'rtm.messages': perSecond(500),
  /** Seed 002: user events plus channel events, 10 requests/s per app id. */
  'rtm.events': perSecond(10),
  /** agora-api.md §1.1: the older EN doc says 10/s, the newer CN doc 100/s; the stricter holds. */
  'rtm.history': perSecond(10),
} as const satisfies Record<string, RateLimit>;

export type BudgetClass = keyof typeof RATE_LIMITS;

export const RTM_LIMITS = {
  /** Seed 001: user ids and channel names are 1 to 64 characters. */
  idMaxLength: 64,
  /** Seed 001: a payload is not empty and at most 32 KB. */
  payloadMaxBytes: 32 * 1024,
  /** Seed 001: at most 200 offline messages are kept per receiver; the newest replaces the oldest. */
  offlineMessagesPerReceiver: 200,
  /** Seed 002: at most 2,000 events are stored; the newest replaces the oldest. */
  eventStoreMax: 2000,
  /** Seed 002: at most 1,000 events are returned per read. */
  eventsPerRead: 1000,
  /** agora-api.md §1.1: history page sizes. */
  historyPageSizes: [20, 50, 100] as const,
  /** agora-api.md §1.1: wait at least 2 s before reading an "in progress" history query again. */
  historyPollIntervalMs: 2000,
} as const;
