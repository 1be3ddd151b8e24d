/**
 * Each callback is delivered once, though Agora may send it twice (it retries once on a non-200): the
 * first to claim its `callId` wins. In memory (bounded, for the retry window) or in Redis (SET NX PX),
 * so that a retry that lands on another instance is recognised too.
 */
import type { Redis } from 'ioredis';

export interface CallbackDedupe {
  /** True for the first claim of `callId` within `ttlMs`. */
  claim(callId: string): Promise<boolean>;
}

export function createMemoryDedupe(ttlMs: number, max = 100_000): CallbackDedupe {
  const seen = new Map<string, number>();
  return {
    async claim(callId) {
      const now = Date.now();
      for (const [id, until] of seen) {
        if (until > now && seen.size <= max) break;
        seen.delete(id);
      }
      if ((seen.get(callId) ?? 0) > now) return false;
      seen.set(callId, now + ttlMs);
      return true;
    },
  };
}

export function createRedisDedupe(redis: Redis, keyPrefix: string, ttlMs: number): CallbackDedupe {
  return {
    claim: async (callId) => (await redis.set(`${keyPrefix}:callback:${callId}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
  };
}
