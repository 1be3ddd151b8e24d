/**
 * Fair share of Agora's budget. Agora's limits are per app, so one client could spend them for everyone:
 * each viewer (a user, or an anonymous caller's address; services act for many users and are bound by
 * Agora's budgets only) gets its own allowance of operations
 * and of the upstream calls they are predicted to make (the cost rules of `extensions.cost`), per second.
 * Past it the operation is answered RATE_LIMITED with retryAfter before it runs, and other viewers are
 * not touched. In memory, or in Redis (rate-limiter-flexible) when instances share one.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from './viewer.ts';

export interface FairShareSettings {
  /** Operations per second per viewer. */
  operationsPerSecond: number;
  /** Predicted upstream calls per second per viewer. */
  upstreamCallsPerSecond: number;
}

/** Why an operation must wait: which allowance is spent, and for how long. */
export interface FairShareRefusal {
  what: 'operations' | 'Agora calls';
  retryAfterSeconds: number;
}

export interface FairShare {
  /** Takes this operation's share for `viewer`; answers the refusal when its allowance is spent. */
  admit(viewer: Viewer, clientAddress: string | undefined, predictedCalls: number): Promise<FairShareRefusal | undefined>;
}

/** Who an allowance belongs to. Services share none with users; anonymous callers go by address. */
export function allowanceKey(viewer: Viewer, clientAddress: string | undefined): string {
  if (viewer.kind === 'user') return `user:${viewer.username}`;
  if (viewer.kind === 'service') return 'service';
  return `ip:${clientAddress ?? 'unknown'}`;
}

export function createFairShare(settings: FairShareSettings, redis?: Redis, keyPrefix = 'agora-graphql'): FairShare {
  const make = (name: string, points: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:fair:${name}`, points, duration: 1 })
      : new RateLimiterMemory({ keyPrefix: name, points, duration: 1 });
  const operations = make('operations', settings.operationsPerSecond);
  const calls = make('calls', settings.upstreamCallsPerSecond);

  const refusal = (what: FairShareRefusal['what'], res: RateLimiterRes): FairShareRefusal => ({
    what,
    retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });

  async function take(limiter: RateLimiterAbstract, key: string, points: number, what: FairShareRefusal['what']): Promise<FairShareRefusal | undefined> {
    if (points <= 0) return undefined;
    try {
      await limiter.consume(key, points);
      return undefined;
    } catch (error) {
      if (error instanceof RateLimiterRes) return refusal(what, error);
      throw error;
    }
  }

  return {
    async admit(viewer, clientAddress, predictedCalls) {
      // Services (API keys, service tokens) act for many users at once: Agora's own budgets bound them.
      if (viewer.kind === 'service') return undefined;
      const key = allowanceKey(viewer, clientAddress);
      return (
        (await take(operations, key, 1, 'operations')) ?? (await take(calls, key, Math.min(predictedCalls, settings.upstreamCallsPerSecond), 'Agora calls'))
      );
    },
  };
}
