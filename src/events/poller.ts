/**
 * The Signaling event poller: the only reader of Agora's destructive user and channel event stores
 * (seed 002: a read removes what it returns, at most 1,000 per read, 2,000 kept, 10 reads/s per app).
 *
 * Exactly one instance polls: the one holding the lease. Each round reads every configured region's
 * two stores (at background priority, within the `signaling.events` budget), drops repeats (a region may
 * return what another already did), orders the round by time, and appends it to the event log with the
 * lease's fence, so a leader that lost its lease while paused cannot publish. It reads again at once
 * while a read comes back full. Otherwise rounds follow each other as fast as the `signaling.events`
 * budget allows (10 reads a second for all stores: with two stores a round every 227 ms, an event's
 * mean wait near 110 ms), never faster than `intervalMs` (a floor operators may raise), every
 * IDLE_GAP_MS while nobody listens, and slower after a 429 (doubling, back to the budget's pace once
 * reads succeed).
 * A read that failed after Agora may have answered is a possible loss: counted, logged, and shown in
 * `stats()`.
 */
import type { AgoraClient } from '../agora/client.ts';
import { AgoraRateLimitedError, AgoraUnavailableError } from '../agora/errors.ts';
import type { HostPlan } from '../agora/hosts.ts';
import { RATE_LIMITS, SIGNALING_LIMITS } from '../agora/limits.ts';
import type { ChannelEvent, EventBatch, UserEvent } from '../agora/signaling/events.ts';
import type { Logger } from '../observability/logger.ts';
import { FencedOffError, type EventLog } from './log.ts';
import type { Fence, Lease } from './lease.ts';
import type { GatewayEvent } from './types.ts';
import { createPace } from './pace.ts';

export interface PollerOptions {
  agora: AgoraClient;
  log: EventLog;
  lease: Lease;
  /** The regions to read; the client's own (primary and alternate domain) when absent. */
  regions?: HostPlan[] | undefined;
  intervalMs: number;
  leaseMs: number;
  logger: Logger;
  /** How many recent events are remembered to drop repeats. */
  dedupeMemory?: number;
  /** Called after each round that appended events (metrics). */
  onRound?: (stats: PollerStats) => void;
  /** Whether anyone listens for events now (else rounds slow to IDLE_GAP_MS); always, when absent. */
  listening?: () => boolean;
}

/** The share of the `signaling.events` budget rounds spend while listened to: the rest absorbs a retried read. */
const BUDGET_SHARE = 0.9;
/** Rounds while nobody listens: Agora still keeps only 2,000 events a store, and channel membership is read from them. */
export const IDLE_GAP_MS = 2_000;

export interface PollerStats {
  role: 'leader' | 'standby' | 'stopped';
  reads: number;
  eventsRead: number;
  eventsPublished: number;
  duplicatesDropped: number;
  /** Reads that failed after Agora may have answered: their events may be lost. */
  possibleLosses: number;
  /**
   * Drains that found an event store full (2,000 events in one go): Agora drops the oldest beyond that,
   * so events may have been lost upstream before they could be read. Agora does not say how many.
   */
  upstreamStoreFull: number;
  /** From Agora receiving the newest published event to its publication, in milliseconds. */
  lagMs: number | undefined;
  lastPollAt: string | undefined;
  lastError: { message: string; at: string } | undefined;
}

export interface Poller {
  start(): void;
  /** Finishes the read in flight (a destructive read is never abandoned), then releases the lease. */
  stop(): Promise<void>;
  stats(): PollerStats;
  /** The lease's fence while this instance leads (the presence watcher appends with it). */
  fence(): Fence | undefined;
  /** Someone started listening: an idle pause ends now. */
  listened(): void;
}

interface EventStore {
  region: number;
  read(): Promise<EventBatch<UserEvent> | EventBatch<ChannelEvent>>;
}

/**
 * The content that makes a repeat from another region recognisable. Agora's events carry no id, so
 * identical records from one region are distinct events (a login and a logout each twice in one
 * millisecond); only another region's copies are repeats.
 */
const keyOf = (e: GatewayEvent): string =>
  e.kind === 'user' ? `u|${e.type}|${e.username}|${e.at}` : e.kind === 'channel' ? `c|${e.type}|${e.channel}|${e.username}|${e.at}` : '';

function toEvent(e: UserEvent | ChannelEvent): GatewayEvent {
  return 'channel' in e
    ? { kind: 'channel', type: e.type, channel: e.channel, username: e.username, at: e.at }
    : { kind: 'user', type: e.type, username: e.username, at: e.at };
}

export function createPoller(options: PollerOptions): Poller {
  const { agora, log, lease, logger } = options;
  const readers = (options.regions ?? [undefined]).map((plan) => (plan ? agora.signaling.eventsIn(plan) : agora.signaling));
  const stores: EventStore[] = readers.flatMap((r, region) => [
    { region, read: () => r.getUserEvents() },
    { region, read: () => r.getChannelEvents() },
  ]);
  const memory = options.dedupeMemory ?? 4 * SIGNALING_LIMITS.eventStoreMax * readers.length;
  /** Per recent event content: how often each region returned it, and how often it was published. */
  const seen = new Map<string, { published: number; byRegion: number[] }>();

  /** Whether a read event is new: its region has now returned it more often than it was published. */
  function isNew(event: GatewayEvent, region: number): boolean {
    const key = keyOf(event);
    let entry = seen.get(key);
    if (!entry) {
      entry = { published: 0, byRegion: readers.map(() => 0) };
      seen.set(key, entry);
      if (seen.size > memory) seen.delete(seen.keys().next().value!);
    }
    const count = ++entry.byRegion[region]!;
    if (count <= entry.published) return false;
    entry.published = count;
    return true;
  }
  const stats: PollerStats = {
    role: 'standby',
    reads: 0,
    eventsRead: 0,
    eventsPublished: 0,
    duplicatesDropped: 0,
    possibleLosses: 0,
    upstreamStoreFull: 0,
    lagMs: undefined,
    lastPollAt: undefined,
    lastError: undefined,
  };
  let fence: Fence | undefined;
  const pace = createPace({ budget: RATE_LIMITS['signaling.events'], share: BUDGET_SHARE, floorMs: options.intervalMs, idleMs: IDLE_GAP_MS });
  /** The gap between the starts of two rounds: the budget's pace, the floor, idleness and backoff. */
  const gapMs = () => pace.gapMs(stores.length, options.listening !== undefined && !options.listening());
  let renewal: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const stopping = new AbortController();

  const fail = (error: unknown, what: string) => {
    const message = error instanceof Error ? error.message : String(error);
    stats.lastError = { message, at: new Date().toISOString() };
    logger.warn({ err: error }, what);
  };

  /** Ends a pause early: the poller stops, or someone starts listening while rounds were idle. */
  let wake: (() => void) | undefined;

  /** Waits, unless the poller is stopping or woken. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // Removed each time: a listener left per round would pile up on the poller's one signal.
        stopping.signal.removeEventListener('abort', done);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const lost = (why: string) => {
    if (!fence) return;
    logger.warn({ token: fence.token }, why);
    fence = undefined;
    stats.role = 'standby';
  };

  /**
   * The lease is renewed on a timer of its own, every third of its length: a round that waits for
   * its rate budget or a slow Agora must not let it lapse.
   */
  const renew = () => {
    const held = fence;
    if (!held) return;
    lease.renew(held).then(
      (ok) => {
        if (!ok && fence === held) lost('the poller lease was lost; another instance polls now');
      },
      (error: unknown) => {
        fail(error, 'the poller lease could not be renewed');
      },
    );
  };

  async function holdLease(): Promise<boolean> {
    if (fence) return true;
    try {
      fence = await lease.acquire();
    } catch (error) {
      fail(error, 'the poller lease could not be reached');
    }
    if (fence) {
      logger.info({ token: fence.token }, 'this instance now polls Agora events (poller lease acquired)');
      stats.role = 'leader';
    }
    return fence !== undefined;
  }

  /** Events read from each store since it was last found not full. */
  const drained = stores.map(() => 0);

  /** One read of one store; answers whether it came back full. */
  async function read(index: number, into: GatewayEvent[]): Promise<boolean> {
    stats.reads++;
    try {
      const store = stores[index]!;
      const batch = await store.read();
      stats.eventsRead += batch.events.length;
      drained[index]! += batch.events.length;
      const full = batch.events.length >= SIGNALING_LIMITS.eventsPerRead;
      if (!full) {
        if (drained[index]! >= SIGNALING_LIMITS.eventStoreMax) {
          stats.upstreamStoreFull++;
          logger.warn({ drained: drained[index] }, 'an Agora event store was found full: events older than its 2,000 may have been dropped upstream');
        }
        drained[index] = 0;
      }
      for (const raw of batch.events) {
        const event = toEvent(raw);
        if (isNew(event, store.region)) into.push(event);
        else stats.duplicatesDropped++;
      }
      return full;
    } catch (error) {
      // Agora's own 429 slows the rounds; the gateway's budget refusing a slot is its pacing, not a reason to.
      if (error instanceof AgoraRateLimitedError && error.source === 'upstream') pace.limited(stores.length);
      if (error instanceof AgoraUnavailableError && error.eventsMayBeLost) {
        stats.possibleLosses++;
        logger.error({ operation: error.operation }, 'an event read failed after Agora may have answered: its events may be lost');
      }
      fail(error, 'an event read failed');
      return false;
    }
  }

  async function round(): Promise<boolean> {
    const events: GatewayEvent[] = [];
    // Every store at once (within the reads' budget): an event read first does not wait on the other reads'
    // round trips before it is published.
    const full = (await Promise.all(stores.map((_, i) => read(i, events)))).includes(true);
    pace.roundEnded();
    stats.lastPollAt = new Date().toISOString();
    if (events.length === 0) return full;
    // Regions and stores arrive in any order: one order by Agora's time across them.
    events.sort((a, b) => a.at - b.at);
    try {
      await log.append(events, fence);
      stats.eventsPublished += events.length;
      stats.lagMs = Date.now() - events.at(-1)!.at;
      options.onRound?.(stats);
    } catch (error) {
      if (error instanceof FencedOffError) {
        fence = undefined;
        stats.role = 'standby';
      }
      // What was read is gone from Agora: this is a loss, and it is said so.
      stats.possibleLosses++;
      fail(error, `${events.length} polled events could not be published`);
    }
    return full;
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      if (!(await holdLease())) {
        await pause(Math.max(50, options.leaseMs / 3));
        continue;
      }
      // Rounds start a gap apart (the round's own reads count toward it), so an event waits at most one gap
      // for its read; a full read is followed by another at once.
      const started = Date.now();
      const full = await round();
      if (!full) await pause(Math.max(0, gapMs() - (Date.now() - started)));
    }
  }

  return {
    start() {
      renewal ??= setInterval(renew, options.leaseMs / 3);
      running ??= loop();
    },
    async stop() {
      clearInterval(renewal);
      stopping.abort();
      await running;
      if (fence) await lease.release(fence).catch(() => undefined);
      fence = undefined;
      stats.role = 'stopped';
    },
    stats: () => ({ ...stats }),
    fence: () => fence,
    /** Someone started listening: an idle pause ends now, and rounds go at the budget's pace. */
    listened: () => wake?.(),
  };
}
