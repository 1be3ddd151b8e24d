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
/** Where the next batch starts: a broadcast's 10,000 wakes are read in place, not moved forty times. */
let wakeHead = 0;
let wakeScheduled = false;

function drainWakes(): void {
  // Wakes queued while this batch runs go to the back, in order.
  const batchEnd = Math.min(wakeHead + WAKE_BATCH, toWake.length);
  while (wakeHead < batchEnd) toWake[wakeHead++]!();
  if (wakeHead < toWake.length) {
    setImmediate(drainWakes);
  } else {
    toWake.length = 0;
    wakeHead = 0;
    wakeScheduled = false;
  }
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

const DONE: IteratorResult<FeedItem> = Object.freeze({ done: true, value: undefined });

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
  /**
   * The subscriber's `next()` while it waits for a live event: answered directly when one comes. A
   * subscriber spends its life waiting, so this is all it holds between events (one promise), and a
   * broadcast's collections have that much less to keep.
   */
  let waiting: ((result: IteratorResult<FeedItem>) => void) | undefined;
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

  const finish = (): IteratorResult<FeedItem> => {
    done = true;
    end();
    const resolve = waiting;
    waiting = undefined;
    resolve?.(DONE);
    return DONE;
  };

  /** What the live queue has for the subscriber now; undefined while it holds nothing new. */
  const takeLive = (): IteratorResult<FeedItem> | undefined => {
    if (done) return DONE;
    if (overflowed) {
      finish();
      return { done: false, value: { overflow: true, lastSeq: delivered } };
    }
    for (let e = live.shift(); e; e = live.shift()) {
      // Already replayed.
      if (e.seq <= delivered) continue;
      delivered = e.seq;
      return { done: false, value: e };
    }
    return undefined;
  };

  /** The pacer's turn for this feed: the waiting `next()` gets what the queue now has. */
  const answerWaiting = () => {
    wakePending = false;
    const resolve = waiting;
    if (!resolve) return;
    waiting = undefined;
    const result = takeLive();
    if (result) resolve(result);
    else waiting = resolve;
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
    if (waiting && !wakePending) {
      wakePending = true;
      wakeSoon(answerWaiting);
    }
  }, options.keys);

  const nextLive = (): Promise<IteratorResult<FeedItem>> => {
    const result = takeLive();
    return result ? Promise.resolve(result) : new Promise((resolve) => (waiting = resolve));
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

  /** While replaying: the next replayed event; once the replay is through, live from where it ended. */
  async function nextWhileReplaying(): Promise<IteratorResult<FeedItem>> {
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
    return nextLive();
  }

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    queued: () => live.length + replayQueue.length,
    next: () => (replaying && !overflowed ? nextWhileReplaying() : nextLive()),
    async return() {
      return finish();
    },
    async throw(error?: unknown) {
      finish();
      throw error;
    },
  };
}
