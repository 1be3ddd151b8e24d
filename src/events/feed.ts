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
const toWake: SubscriberFeed[] = [];
/** Where the next batch starts: a broadcast's 10,000 wakes are read in place, not moved forty times. */
let wakeHead = 0;
let wakeScheduled = false;

function drainWakes(): void {
  // Wakes queued while this batch runs go to the back, in order.
  const batchEnd = Math.min(wakeHead + WAKE_BATCH, toWake.length);
  while (wakeHead < batchEnd) toWake[wakeHead++]!.answerWaiting();
  if (wakeHead < toWake.length) {
    setImmediate(drainWakes);
  } else {
    toWake.length = 0;
    wakeHead = 0;
    wakeScheduled = false;
  }
}

function wakeSoon(feed: SubscriberFeed): void {
  toWake.push(feed);
  if (!wakeScheduled) {
    wakeScheduled = true;
    setImmediate(drainWakes);
  }
}

/** A feed, and how many events wait in its queue (what a subscriber that does not read holds). */
export type Feed = AsyncIterableIterator<FeedItem> & { queued(): number };

const DONE: IteratorResult<FeedItem> = Object.freeze({ done: true, value: undefined });

export function openFeed(options: FeedOptions): Feed {
  return new SubscriberFeed(options);
}

/**
 * A class, not closures over the feed's state: a subscriber holds its feed for as long as it listens,
 * and one object with its methods on a prototype is a fraction of a dozen closures and their context.
 */
class SubscriberFeed implements Feed {
  private readonly log: EventLog;
  private readonly match: (event: GatewayEvent) => boolean;
  private readonly queueSize: number;
  private readonly page: number;
  private readonly onEnd: (() => void) | undefined;
  private readonly live: Sequenced[] = [];
  private replaying: boolean;
  private replayQueue: Sequenced[] = [];
  /** Every event of the log up to here was read by the replay. */
  private replayEnd: number;
  private replayRead = false;
  /** The last sequence handed to the subscriber. */
  private delivered: number;
  private overflowed = false;
  private done = false;
  private ended = false;
  /**
   * The subscriber's `next()` while it waits for a live event: answered directly when one comes. A
   * subscriber spends its life waiting, so this is all it holds between events (one promise), and a
   * broadcast's collections have that much less to keep.
   */
  private waiting: ((result: IteratorResult<FeedItem>) => void) | undefined;
  /** A wake is queued with the pacer (one per feed at a time, however many events arrive meanwhile). */
  private wakePending = false;
  private readonly unlisten: () => void;

  constructor(options: FeedOptions) {
    this.log = options.log;
    this.match = options.match;
    this.queueSize = options.queueSize;
    this.page = options.replayPage ?? 500;
    this.onEnd = options.onEnd;
    this.replaying = options.after !== undefined;
    this.replayEnd = options.after ?? 0;
    this.delivered = options.after ?? 0;
    // Listening starts before the replay is read: whatever is appended meanwhile is queued, not missed.
    this.unlisten = options.log.listen((e) => this.offer(e), options.keys);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  queued(): number {
    return this.live.length + this.replayQueue.length;
  }

  next(): Promise<IteratorResult<FeedItem>> {
    return this.replaying && !this.overflowed ? this.nextWhileReplaying() : this.nextLive();
  }

  async return(): Promise<IteratorResult<FeedItem>> {
    return this.finish();
  }

  async throw(error?: unknown): Promise<IteratorResult<FeedItem>> {
    this.finish();
    throw error;
  }

  /** An appended event, offered to this feed by the log. */
  private offer(e: Sequenced): void {
    if (this.ended || !this.match(e.event)) return;
    if (this.live.length >= this.queueSize) {
      // The subscriber is not keeping up (its socket may not be read at all): let its queue go now,
      // and end it where it can resume, when it next asks.
      this.overflowed = true;
      this.end();
    } else {
      this.live.push(e);
    }
    if (this.waiting && !this.wakePending) {
      this.wakePending = true;
      wakeSoon(this);
    }
  }

  /** Stops listening and lets the queue go, at once (the subscriber may still learn why, later). */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.unlisten();
    this.live.length = 0;
    this.replayQueue = [];
    this.onEnd?.();
  }

  private finish(): IteratorResult<FeedItem> {
    this.done = true;
    this.end();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(DONE);
    return DONE;
  }

  /** What the live queue has for the subscriber now; undefined while it holds nothing new. */
  private takeLive(): IteratorResult<FeedItem> | undefined {
    if (this.done) return DONE;
    if (this.overflowed) {
      this.finish();
      return { done: false, value: { overflow: true, lastSeq: this.delivered } };
    }
    for (let e = this.live.shift(); e; e = this.live.shift()) {
      // Already replayed.
      if (e.seq <= this.delivered) continue;
      this.delivered = e.seq;
      return { done: false, value: e };
    }
    return undefined;
  }

  /** The pacer's turn for this feed: the waiting `next()` gets what the queue now has. */
  answerWaiting(): void {
    this.wakePending = false;
    const resolve = this.waiting;
    if (!resolve) return;
    this.waiting = undefined;
    const result = this.takeLive();
    if (result) resolve(result);
    else this.waiting = resolve;
  }

  private nextLive(): Promise<IteratorResult<FeedItem>> {
    const result = this.takeLive();
    return result ? Promise.resolve(result) : new Promise((resolve) => (this.waiting = resolve));
  }

  private async nextReplayed(): Promise<Sequenced | undefined> {
    for (;;) {
      const e = this.replayQueue.shift();
      if (e) return e;
      if (this.replayRead) return undefined;
      const read = await this.log.read(this.replayEnd, this.page);
      if (this.replayEnd < read.oldestSeq - 1) throw new CursorTooOldError(read.oldestSeq);
      if (this.replayEnd > read.lastSeq) throw new CursorAheadError(read.lastSeq);
      this.replayQueue = read.events.filter((x) => this.match(x.event));
      this.replayEnd = read.events.at(-1)?.seq ?? this.replayEnd;
      this.replayRead = read.events.length < this.page;
    }
  }

  /** While replaying: the next replayed event; once the replay is through, live from where it ended. */
  private async nextWhileReplaying(): Promise<IteratorResult<FeedItem>> {
    let e: Sequenced | undefined;
    try {
      e = await this.nextReplayed();
    } catch (error) {
      this.finish();
      throw error;
    }
    if (e && !this.done) {
      this.delivered = e.seq;
      return { done: false, value: e };
    }
    this.replaying = false;
    this.delivered = Math.max(this.delivered, this.replayEnd);
    return this.nextLive();
  }
}
