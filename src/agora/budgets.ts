/**
 * Rate budgets: the gateway keeps Agora's documented limits itself, so that Agora never has to answer
 * 429. A call asks its endpoint class for a slot; it waits in a bounded, priority-ordered queue until the
 * class has room, and fails with AgoraRateLimitedError (carrying retryAfterMs) when it cannot get one
 * before its deadline.
 *
 * Accounting is a sliding-window log per class, exact about when Agora can see a call: a slot is taken
 * at its grant and stays in the window until `windowMs + paddingMs` after its call completed, and a slot
 * is granted while fewer than `limit` are in the window. A call reaches Agora after its grant and before
 * its completion, so any window of `windowMs` at Agora holds at most `limit` calls however long calls
 * queue on the connections or wait on a stalled event loop; `paddingMs` is only a margin. A page's burst
 * of reads, up to the limit, passes at once; sustained use reaches `limit / (windowMs + paddingMs +
 * latency)`. (Stamping slots at their grant instead let a 500-call burst queue on the pool and reach the
 * emulator spread over a few hundred ms: 185 of 1,000 sends got 429 with a 100 ms pad.)
 *
 * Guarantees:
 * - At most `limit` slots per class and store are in flight or completed within the last `windowMs + paddingMs`.
 * - Interactive callers are served before background ones; background callers (the event poller) leave
 *   `backgroundReserve` of the window's slots free, so interactive calls keep some headroom.
 * - FIFO within a priority.
 *
 * The accounting lives behind BudgetStore, so a Redis-backed store can share budgets across instances
 * (one atomic script over a sorted set per class, scored by expiry, implements the same contract).
 */
import { AgoraRateLimitedError, type AgoraService } from './errors.ts';
import type { RateLimit } from './limits.ts';

export type Priority = 'interactive' | 'background';

export type TakeResult = { granted: true; slot: string } | { granted: false; retryInMs: number };

/** One class's window as a store counts it: at most `limit` slots within `windowMs` (padding included). */
export interface BudgetWindow {
  limit: number;
  windowMs: number;
  /**
   * How long a granted slot may stay in flight before the store stops counting it as such (a process
   * that died mid-call never releases it): longer than any call takes.
   */
  holdMs: number;
}

/** Where slots are counted. In memory for one instance; shared (Redis) for several. */
export interface BudgetStore {
  /**
   * Takes a slot when fewer than `limit - reserve` are in the window (in flight, or completed within the
   * last `windowMs`); otherwise answers how long until one leaves it, if none is released first.
   */
  tryTake(key: string, window: BudgetWindow, reserve: number): Promise<TakeResult>;
  /**
   * tryTake answered at once, for a store that counts in this process: a call that finds its class's
   * queue empty then takes its slot without a queue entry, a deadline timer or a promise of the store's.
   */
  tryTakeNow?(key: string, window: BudgetWindow, reserve: number): TakeResult;
  /** The slot's call completed now: the slot leaves the window `windowMs` from now. */
  release(key: string, slot: string, window: BudgetWindow): Promise<void> | void;
}

/** The sliding-window log in this process: per key, each slot's expiry. */
export function createMemoryBudgetStore(now: () => number = () => Date.now()): BudgetStore {
  // Per key: each slot's expiry, and the earliest of them, so that a sweep runs only when one is due.
  // A take runs for every Agora call: it allocates nothing but its slot.
  type SlotLog = { slots: Map<string, number>; earliest: number };
  const logs = new Map<string, SlotLog>();
  let issued = 0;
  const logOf = (key: string) => {
    let log = logs.get(key);
    if (!log) logs.set(key, (log = { slots: new Map(), earliest: Infinity }));
    return log;
  };
  const expireAt = (log: SlotLog, slot: string, expiry: number) => {
    log.slots.set(slot, expiry);
    if (expiry < log.earliest) log.earliest = expiry;
  };
  const prune = (log: SlotLog, t: number) => {
    if (t < log.earliest) return;
    let earliest = Infinity;
    log.slots.forEach((expiry, slot) => {
      if (expiry <= t) log.slots.delete(slot);
      else if (expiry < earliest) earliest = expiry;
    });
    log.earliest = earliest;
  };
  const tryTakeNow = (key: string, window: BudgetWindow, reserve: number): TakeResult => {
    const t = now();
    const log = logOf(key);
    const room = window.limit - reserve;
    // Slots that left the window only make the log look fuller than it is: they are swept when it looks
    // full, not on every take (a sweep reads every slot, and a class at its pace has one due on most takes).
    if (log.slots.size >= room) prune(log, t);
    if (log.slots.size < room) {
      const slot = String(++issued);
      expireAt(log, slot, t + window.holdMs + window.windowMs);
      return { granted: true, slot };
    }
    // The expiry that brings the count under `room`.
    const expiries = [...log.slots.values()].sort((a, b) => a - b);
    const freeing = expiries[log.slots.size - room] ?? t + window.windowMs;
    return { granted: false, retryInMs: Math.max(1, freeing - t) };
  };
  return {
    tryTakeNow,
    tryTake: async (key, window, reserve) => tryTakeNow(key, window, reserve),
    release(key, slot, window) {
      const log = logOf(key);
      if (log.slots.has(slot)) expireAt(log, slot, now() + window.windowMs);
    },
  };
}

/**
 * Added to every window, as a margin only: slots are counted until their calls complete, so queueing
 * and event-loop stalls cannot bunch calls at Agora whatever the padding. 20 ms covers timer granularity
 * (a timer may fire a millisecond early) and Agora's limiter counting a call a little after its answer
 * left; it costs 2% of the sustained rate against a 1 s window.
 */
export const DEFAULT_PADDING_MS = 20;

/** A granted slot: call `release()` once the call it was taken for has completed (answered or failed). */
export type ReleaseSlot = () => void;

export interface BudgetOptions {
  limits: Record<string, RateLimit>;
  store?: BudgetStore;
  /** Added to every window so that arrival jitter never crosses Agora's window. */
  paddingMs?: number;
  /** How long a call waits for a slot before failing with RATE_LIMITED. */
  maxWaitMs?: number;
  /** How many calls may wait per class before new ones fail at once. */
  maxQueue?: number;
  /** The share of the window's slots that background callers leave to interactive ones. */
  backgroundReserve?: number;
  /** Classes only background callers use (no interactive call to leave room for): they reserve nothing. */
  backgroundOnly?: readonly string[];
  /** Prefix of store keys (the app id), so that budgets of different apps never mix. */
  keyPrefix?: string;
  /** How long a slot counts as in flight when its call never reports completion (see BudgetWindow.holdMs). */
  holdMs?: number;
}

export interface AcquireOptions {
  service: AgoraService;
  operation: string;
  priority?: Priority;
  signal?: AbortSignal | undefined;
  maxWaitMs?: number;
}

interface Waiter {
  priority: Priority;
  resolve: (release: ReleaseSlot) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
}

interface ClassQueue {
  waiters: Waiter[];
  pumping: boolean;
  wake: (() => void) | undefined;
}

export interface BudgetStats {
  granted: number;
  waited: number;
  rejected: number;
  queued: number;
}

export interface RateBudgets {
  /**
   * Resolves when a slot of `budgetClass` is granted, with the function that releases it once the call
   * completed; rejects with AgoraRateLimitedError or the abort reason.
   */
  acquire(budgetClass: string, options: AcquireOptions): Promise<ReleaseSlot>;
  stats(): Record<string, BudgetStats>;
}

export function createRateBudgets(options: BudgetOptions): RateBudgets {
  const store = options.store ?? createMemoryBudgetStore();
  const paddingMs = options.paddingMs ?? DEFAULT_PADDING_MS;
  const defaultMaxWaitMs = options.maxWaitMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 10_000;
  const backgroundReserve = options.backgroundReserve ?? 0.2;
  const keyPrefix = options.keyPrefix ?? 'default';
  const holdMs = options.holdMs ?? 120_000;
  const queues = new Map<string, ClassQueue>();
  const stats = new Map<string, BudgetStats>();

  const statsOf = (cls: string): BudgetStats => {
    let s = stats.get(cls);
    if (!s) stats.set(cls, (s = { granted: 0, waited: 0, rejected: 0, queued: 0 }));
    return s;
  };

  const limitOf = (cls: string): RateLimit => {
    const limit = options.limits[cls];
    if (!limit) throw new Error(`no rate limit is configured for budget class ${cls}`);
    return limit;
  };

  // Per class, made once: every Agora call asks for its class's window and store key.
  const classes = new Map<string, { window: BudgetWindow; storeKey: string }>();
  const classOf = (cls: string) => {
    let known = classes.get(cls);
    if (!known) {
      const limit = limitOf(cls);
      classes.set(cls, (known = { window: { limit: limit.limit, windowMs: limit.windowMs + paddingMs, holdMs }, storeKey: `${keyPrefix}:${cls}` }));
    }
    return known;
  };
  const windowOf = (cls: string): BudgetWindow => classOf(cls).window;
  const storeKeyOf = (cls: string): string => classOf(cls).storeKey;

  const backgroundOnly = new Set(options.backgroundOnly ?? []);
  const reserveFor = (cls: string, window: BudgetWindow, priority: Priority): number =>
    priority === 'interactive' || backgroundOnly.has(cls) ? 0 : Math.floor(window.limit * backgroundReserve);

  /** The release of a granted slot: idempotent, as callers may release once on success and again in a `finally`. */
  function releaserOf(cls: string, queue: ClassQueue, window: BudgetWindow, slot: string): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const releasing = store.release(storeKeyOf(cls), slot, window);
      // The slot now leaves the window `windowMs` from now, earlier than the store said when it was
      // taken: a pump at work (perhaps asleep on that older answer) looks again then. With no pump at
      // work there is no one to wake: the next one reads the store afresh.
      if (!queue.pumping) {
        void releasing?.catch(() => undefined);
        return;
      }
      const wakeLater = () => setTimeout(() => queue.wake?.(), window.windowMs).unref?.();
      if (releasing) void releasing.then(wakeLater, () => undefined);
      else wakeLater();
    };
  }

  async function pump(cls: string, queue: ClassQueue): Promise<void> {
    if (queue.pumping) return;
    queue.pumping = true;
    const window = windowOf(cls);
    try {
      while (queue.waiters.length > 0) {
        const head = queue.waiters[0]!;
        let result: TakeResult;
        try {
          result = await store.tryTake(storeKeyOf(cls), window, reserveFor(cls, window, head.priority));
        } catch (error) {
          // A store that cannot answer must not strand callers: fail the head and go on with the next.
          queue.waiters.shift();
          head.cleanup();
          head.reject(error);
          continue;
        }
        if (queue.waiters[0] !== head) continue; // the head left (deadline, abort) or was overtaken
        if (result.granted) {
          queue.waiters.shift();
          head.cleanup();
          statsOf(cls).granted++;
          head.resolve(releaserOf(cls, queue, window, result.slot));
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, result.retryInMs));
          queue.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        queue.wake = undefined;
      }
    } finally {
      queue.pumping = false;
    }
  }

  return {
    acquire(cls, opts) {
      const limit = limitOf(cls);
      const priority = opts.priority ?? 'interactive';
      const maxWaitMs = opts.maxWaitMs ?? defaultMaxWaitMs;
      let queue = queues.get(cls);
      if (!queue) queues.set(cls, (queue = { waiters: [], pumping: false, wake: undefined }));
      const q = queue;
      const s = statsOf(cls);

      if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
      // The common case, a class with room and no one waiting: a store in this process grants at once.
      if (store.tryTakeNow && q.waiters.length === 0 && !q.pumping) {
        const window = windowOf(cls);
        const result = store.tryTakeNow(storeKeyOf(cls), window, reserveFor(cls, window, priority));
        if (result.granted) {
          s.granted++;
          return Promise.resolve(releaserOf(cls, q, window, result.slot));
        }
      }
      // A caller at `position` in the queue is served within its window's worth of turns.
      const retryAfterFor = (position: number): number => {
        const window = windowOf(cls);
        return Math.ceil((Math.floor(position / window.limit) + 1) * window.windowMs);
      };
      if (q.waiters.length >= maxQueue) {
        s.rejected++;
        return Promise.reject(
          new AgoraRateLimitedError({
            service: opts.service,
            operation: opts.operation,
            source: 'budget',
            retryAfterMs: retryAfterFor(q.waiters.length),
            message: `Too many calls are waiting for the ${cls} rate budget (${limit.limit} per ${limit.windowMs} ms); try again later`,
          }),
        );
      }

      return new Promise<ReleaseSlot>((resolve, reject) => {
        const leave = (error: unknown) => {
          const index = q.waiters.indexOf(waiter);
          if (index >= 0) q.waiters.splice(index, 1);
          waiter.cleanup();
          reject(error);
          q.wake?.();
        };
        const onAbort = () => leave(opts.signal?.reason);
        const deadline = setTimeout(() => {
          s.rejected++;
          leave(
            new AgoraRateLimitedError({
              service: opts.service,
              operation: opts.operation,
              source: 'budget',
              retryAfterMs: retryAfterFor(Math.max(0, q.waiters.indexOf(waiter))),
              message: `The ${cls} rate budget (${limit.limit} per ${limit.windowMs} ms) had no room within ${maxWaitMs} ms; try again later`,
            }),
          );
        }, maxWaitMs);
        const waiter: Waiter = {
          priority,
          resolve,
          reject,
          cleanup: () => {
            clearTimeout(deadline);
            opts.signal?.removeEventListener('abort', onAbort);
          },
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        // Interactive callers go ahead of every background caller; FIFO otherwise.
        const index = priority === 'interactive' ? q.waiters.findIndex((w) => w.priority === 'background') : -1;
        if (index === -1) q.waiters.push(waiter);
        else q.waiters.splice(index, 0, waiter);
        if (q.waiters.length > 1 || q.pumping) s.waited++;
        s.queued = Math.max(s.queued, q.waiters.length);
        if (priority === 'interactive') q.wake?.();
        void pump(cls, q);
      });
    },
    stats() {
      return Object.fromEntries(stats);
    },
  };
}
