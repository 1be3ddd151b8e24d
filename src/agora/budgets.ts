/**
 * Rate budgets: the gateway keeps Agora's documented limits itself, so that Agora never has to answer
 * 429. A call asks its endpoint class for a slot; it waits in a bounded, priority-ordered queue until the
 * class has room, and fails with AgoraRateLimitedError (carrying retryAfterMs) when it cannot get one
 * before its deadline.
 *
 * Slots are paced, not granted in window-sized bursts: a burst of `burstRatio` (5%) of the limit, then
 * one slot per emission interval (GCRA), padded by `paddingMs` (100 ms). A small burst and a wide pad
 * give the same throughput as a large burst and a narrow pad, but tolerate more arrival jitter: under
 * a CPU-starved event loop, 50 ms of pad let 13 of 1,000 sends reach Agora's window late and bunched. Granting a whole window at once is not enough, because calls then
 * queue on the connections and reach Agora spread out, overlapping the next window; with pacing, any
 * window of `windowMs` sees at most `limit` calls even when arrivals shift by up to `paddingMs`.
 *
 * Guarantees:
 * - In any interval of `windowMs + paddingMs`, at most `limit` slots are granted per class and store.
 * - Interactive callers are served before background ones; background callers (the event poller) wait
 *   while less than `backgroundReserve` of the burst is left, so interactive calls keep some headroom.
 * - FIFO within a priority.
 *
 * The accounting lives behind BudgetStore, so a Redis-backed store can share budgets across instances.
 */
import { AgoraRateLimitedError, type AgoraService } from './errors.ts';
import type { RateLimit } from './limits.ts';

export type Priority = 'interactive' | 'background';

export type TakeResult = { granted: true } | { granted: false; retryInMs: number };

/** One class's pacing: a slot every `intervalMs`, with up to `burst` slots available at once. */
export interface Pace {
  intervalMs: number;
  burst: number;
}

/** Where granted slots are counted. In memory for one instance; shared (Redis) for several. */
export interface BudgetStore {
  /** Grants one slot when at least `1 + reserve` slots of the burst are available. */
  tryTake(key: string, pace: Pace, reserve: number): Promise<TakeResult>;
}

/** GCRA in this process: per key, the theoretical arrival time of the next slot. */
export function createMemoryBudgetStore(now: () => number = Date.now): BudgetStore {
  const tat = new Map<string, number>();
  return {
    async tryTake(key, pace, reserve) {
      const t = now();
      const next = Math.max(tat.get(key) ?? t, t);
      const available = pace.burst - (next - t) / pace.intervalMs;
      if (available >= 1 + reserve - 1e-9) {
        tat.set(key, next + pace.intervalMs);
        return { granted: true };
      }
      return { granted: false, retryInMs: Math.max(1, Math.ceil((1 + reserve - available) * pace.intervalMs - 1e-6)) };
    },
  };
}

/**
 * The pace that keeps any `windowMs` window at or under `limit` calls when arrivals shift by up to
 * `paddingMs`: `burst + (windowMs + paddingMs) / intervalMs <= limit`.
 */
export function paceFor(limit: RateLimit, paddingMs: number, burstRatio: number): Pace {
  // Small limits (10 per minute) would pace even a handful of calls many seconds apart: let half through.
  const ratio = limit.limit <= 20 ? Math.max(burstRatio, 0.5) : burstRatio;
  const burst = Math.max(1, Math.floor(limit.limit * ratio));
  const steady = Math.max(1, limit.limit - burst);
  return { burst, intervalMs: (limit.windowMs + paddingMs) / steady };
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
  /** The share of the burst background callers leave to interactive ones. */
  backgroundReserve?: number;
  /** The share of the limit that may be granted at once; the rest is paced evenly. */
  burstRatio?: number;
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
  const paddingMs = options.paddingMs ?? 100;
  const defaultMaxWaitMs = options.maxWaitMs ?? 10_000;
  const maxQueue = options.maxQueue ?? 10_000;
  const backgroundReserve = options.backgroundReserve ?? 0.2;
  const burstRatio = options.burstRatio ?? 0.05;
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

  const paces = new Map<string, Pace>();
  const paceOf = (cls: string): Pace => {
    let pace = paces.get(cls);
    if (!pace) paces.set(cls, (pace = paceFor(limitOf(cls), paddingMs, burstRatio)));
    return pace;
  };

  const reserveFor = (pace: Pace, priority: Priority): number =>
    priority === 'interactive' ? 0 : Math.floor(pace.burst * backgroundReserve);

  async function pump(cls: string, queue: ClassQueue): Promise<void> {
    if (queue.pumping) return;
    queue.pumping = true;
    const pace = paceOf(cls);
    try {
      while (queue.waiters.length > 0) {
        const head = queue.waiters[0]!;
        let result: TakeResult;
        try {
          result = await store.tryTake(`${keyPrefix}:${cls}`, pace, reserveFor(pace, head.priority));
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
      const retryAfterFor = (position: number): number => Math.ceil((position + 1) * paceOf(cls).intervalMs);

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
