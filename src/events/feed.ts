/**
 * One subscriber's view of the event log: it replays what the log holds after the subscriber's cursor,
 * then goes live, with no gap and no duplicate (the live listener is registered before the replay is
 * read, and live events at or before the replay's end are dropped). Events are filtered before they
 * are queued. The live queue is bounded: a subscriber that does not keep up (a paused socket) is ended
 * with an `overflow` item naming the last sequence it received, and can resume from there with `after`;
 * it never holds more than `queueSize` events, and never slows the log or other subscribers.
 */
import type { EventLog } from './log.ts';
import type { GatewayEvent, Sequenced } from './types.ts';

export type FeedItem = Sequenced | { overflow: true; lastSeq: number };

export interface FeedOptions {
  log: EventLog;
  /** Resume after this sequence number; live from now when absent. */
  after?: number | undefined;
  /** Which events this subscriber wants; applied before anything is queued. */
  match(event: GatewayEvent): boolean;
  /** The routing keys that cover every event `match` accepts (./routing.ts); absent: every event is offered. */
  keys?: readonly string[] | undefined;
  queueSize: number;
  /** How many events one replay read asks the log for. */
  replayPage?: number;
  /** Called once when the feed ends, however it ends (left, overflowed, failed). */
  onEnd?: () => void;
}

export class CursorTooOldError extends Error {
  override readonly name = 'CursorTooOldError';
  readonly oldestSeq: number;
  constructor(oldestSeq: number) {
    super(`the cursor is older than the event log, which now starts at sequence ${oldestSeq}`);
    this.oldestSeq = oldestSeq;
  }
}

export class CursorAheadError extends Error {
  override readonly name = 'CursorAheadError';
  readonly lastSeq: number;
  constructor(lastSeq: number) {
    super(`the cursor is ahead of the event log, whose newest sequence is ${lastSeq} (was the log reset?)`);
    this.lastSeq = lastSeq;
  }
}

/**
 * Wakes waiting subscribers a batch per turn of the event loop. An event for everyone wakes every feed
 * at once; woken all in one turn, their deliveries (execution, serialisation, the socket write) would
 * interleave in one long run of microtasks, holding the loop for the whole broadcast and keeping all of
 * them half-done in the young heap, which makes every collection in between slow. A batch at a time,
 * each batch's deliveries finish before the next starts, and timers, pings and other events get turns.
 */
const WAKE_BATCH = 256;
const toWake: (() => void)[] = [];
let wakeScheduled = false;

function drainWakes(): void {
  const batch = toWake.splice(0, WAKE_BATCH);
  for (const wake of batch) wake();
  if (toWake.length > 0) setImmediate(drainWakes);
  else wakeScheduled = false;
}

function wakeSoon(wake: () => void): void {
  toWake.push(wake);
  if (!wakeScheduled) {
    wakeScheduled = true;
    setImmediate(drainWakes);
  }
}

/** A feed, and how many events wait in its queue (what a subscriber that does not read holds). */
export type Feed = AsyncIterableIterator<FeedItem> & { queued(): number };

export function openFeed(options: FeedOptions): Feed {
  const { log, match, queueSize } = options;
  const page = options.replayPage ?? 500;
  const live: Sequenced[] = [];
  let replaying = options.after !== undefined;
  let replayQueue: Sequenced[] = [];
  /** Every event of the log up to here was read by the replay. */
  let replayEnd = options.after ?? 0;
  let replayRead = false;
  /** The last sequence handed to the subscriber. */
  let delivered = options.after ?? 0;
  let overflowed = false;
  let done = false;
  let wake: (() => void) | undefined;
  /** A wake is queued with the pacer (one per feed at a time, however many events arrive meanwhile). */
  let wakePending = false;

  let ended = false;
  /** Stops listening and lets the queue go, at once (the subscriber may still learn why, later). */
  const end = () => {
    if (ended) return;
    ended = true;
    unlisten();
    live.length = 0;
    replayQueue = [];
    options.onEnd?.();
  };

  // Listening starts before the replay is read: whatever is appended meanwhile is queued, not missed.
  const unlisten = log.listen((e) => {
    if (ended || !match(e.event)) return;
    if (live.length >= queueSize) {
      // The subscriber is not keeping up (its socket may not be read at all): let its queue go now,
      // and end it where it can resume, when it next asks.
      overflowed = true;
      end();
    } else {
      live.push(e);
    }
    if (wake && !wakePending) {
      wakePending = true;
      wakeSoon(() => {
        wakePending = false;
        wake?.();
      });
    }
  }, options.keys);

  const finish = (): IteratorResult<FeedItem> => {
    done = true;
    end();
    wake?.();
    return { done: true, value: undefined };
  };

  async function nextReplayed(): Promise<Sequenced | undefined> {
    for (;;) {
      const e = replayQueue.shift();
      if (e) return e;
      if (replayRead) return undefined;
      const read = await log.read(replayEnd, page);
      if (replayEnd < read.oldestSeq - 1) throw new CursorTooOldError(read.oldestSeq);
      if (replayEnd > read.lastSeq) throw new CursorAheadError(read.lastSeq);
      replayQueue = read.events.filter((x) => match(x.event));
      replayEnd = read.events.at(-1)?.seq ?? replayEnd;
      replayRead = read.events.length < page;
    }
  }

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    queued: () => live.length + replayQueue.length,
    async next(): Promise<IteratorResult<FeedItem>> {
      if (replaying && !overflowed) {
        let e: Sequenced | undefined;
        try {
          e = await nextReplayed();
        } catch (error) {
          finish();
          throw error;
        }
        if (e && !done) {
          delivered = e.seq;
          return { done: false, value: e };
        }
        replaying = false;
        delivered = Math.max(delivered, replayEnd);
      }
      for (;;) {
        if (done) return { done: true, value: undefined };
        if (overflowed) {
          finish();
          return { done: false, value: { overflow: true, lastSeq: delivered } };
        }
        const e = live.shift();
        if (e) {
          // Already replayed.
          if (e.seq <= delivered) continue;
          delivered = e.seq;
          return { done: false, value: e };
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return() {
      return finish();
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
  };
}
