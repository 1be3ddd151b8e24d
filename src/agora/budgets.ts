/**
 * Rate budgets: the gateway keeps Agora's documented limits itself, so that Agora never has to answer
 * 429. A call asks its endpoint class for a slot; it waits in a bounded, priority-ordered queue until the
 * sliding window has room, and fails with AgoraRateLimitedError (carrying retryAfterMs) when it cannot
 * get one before its deadline.
 *
 * Guarantees:
 * - At most `limit` slots are granted in any window of `windowMs + paddingMs` per class and store, so
 *   small differences in arrival time never push Agora over its own window.
 * - Interactive callers are always served before background ones, and background callers (the event
 *   poller) are held back while the window is more than `1 - backgroundReserve` full.
 * - FIFO within a priority.
 *
 * The counting lives behind BudgetStore, so a Redis-backed store can share budgets across instances.
 */
import { AgoraRateLimitedError, type AgoraService } from './errors.js';
import type { RateLimit } from './limits.js';

export type Priority = 'interactive' | 'background';

export type TakeResult = { granted: true } | { granted: false; retryInMs: number };

/** Where granted slots are counted. In memory for one instance; shared (Redis) for several. */
export interface BudgetStore {
  /** Grants one slot when fewer than `capacity` were granted in the last `windowMs`. */
  tryTake(key: string, capacity: number, windowMs: number): Promise<TakeResult>;
}

/** A sliding-window log per key, in this process. */
export function createMemoryBudgetStore(now: () => number = Date.now): BudgetStore {
  const logs = new Map<string, number[]>();
  return {
    async tryTake(key, capacity, windowMs) {
      const t = now();
      let log = logs.get(key);
      if (!log) logs.set(key, (log = []));
      let expired = 0;
      while (expired < log.length && (log[expired] ?? 0) <= t - windowMs) expired++;
      if (expired > 0) log.splice(0, expired);
      if (log.length < capacity) {
        log.push(t);
        return { granted: true };
      }
      // The slot frees when the entry that keeps the log at capacity leaves the window.
      const blocking = log[log.length - capacity] ?? t;
      return { granted: false, retryInMs: Math.max(1, blocking + windowMs - t) };
    },
  };
}

export interface BudgetOptions {
  limits: Record<string, RateLimit>;
  store?: BudgetStore;
  /** Added to every window so that arrival jitter never crosses Agora's window. */
  paddingMs?: number;
  /** How long a call waits for a slot before failing with RATE_LIMITED. */
  maxWaitMs?: number;
  /** How many calls may wait per class before new ones fail at once. */
  maxQueue?: number;
  /** The share of each window background callers leave to interactive ones. */
  backgroundReserve?: number;
  /** Prefix of store keys (the app id), so that budgets of different apps never mix. */
  keyPrefix?: string;
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
  resolve: () => void;
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
  /** Resolves when a slot of `budgetClass` is granted; rejects with AgoraRateLimitedError or the abort reason. */
  acquire(budgetClass: string, options: AcquireOptions): Promise<void>;
  stats(): Record<string, BudgetStats>;
}

export function createRateBudgets(options: BudgetOptions): RateBudgets {
  const store = options.store ?? createMemoryBudgetStore();
  const paddingMs = options.paddingMs ?? 50;
  const defaultMaxWaitMs = options.maxWaitMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 10_000;
  const backgroundReserve = options.backgroundReserve ?? 0.2;
  const keyPrefix = options.keyPrefix ?? 'default';
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

  const capacityFor = (limit: RateLimit, priority: Priority): number =>
    priority === 'interactive' ? limit.limit : Math.max(1, Math.floor(limit.limit * (1 - backgroundReserve)));

  async function pump(cls: string, queue: ClassQueue): Promise<void> {
    if (queue.pumping) return;
    queue.pumping = true;
    const limit = limitOf(cls);
    try {
      while (queue.waiters.length > 0) {
        const head = queue.waiters[0]!;
        let result: TakeResult;
        try {
          result = await store.tryTake(`${keyPrefix}:${cls}`, capacityFor(limit, head.priority), limit.windowMs + paddingMs);
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
          head.resolve();
          continue;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, result.retryInMs);
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
      const retryAfterFor = (position: number): number =>
        Math.ceil(((position + 1) / limit.limit) * (limit.windowMs + paddingMs));

      if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
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

      return new Promise<void>((resolve, reject) => {
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
        const index =
          priority === 'interactive' ? q.waiters.findIndex((w) => w.priority === 'background') : -1;
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
