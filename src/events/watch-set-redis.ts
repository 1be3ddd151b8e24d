/** The watched usernames of every instance, in one Redis sorted set scored by when each name lapses. */
import type { Redis } from 'ioredis';
import { LocalWatches, type WatchSet } from './watch-set.ts';

export function createRedisWatchSet(redis: Redis, options: { key: string; ttlMs: number }): WatchSet {
  const local = new LocalWatches();
  const { key, ttlMs } = options;
  const refresh = async (names: string[]) => {
    if (names.length === 0) return;
    const lapse = Date.now() + ttlMs;
    await redis.zadd(key, ...names.flatMap((n) => [lapse, n]));
  };
  // This instance's names stay in the set while it lives.
  const timer = setInterval(() => void refresh(local.names()).catch(() => undefined), ttlMs / 3);
  timer.unref();
  return {
    watch(usernames) {
      const fresh: string[] = [];
      const unwatch = local.watch(usernames, (n) => fresh.push(n));
      void refresh(fresh).catch(() => undefined);
      return unwatch;
    },
    async union() {
      await redis.zremrangebyscore(key, '-inf', Date.now());
      return redis.zrange(key, 0, -1);
    },
    async close() {
      clearInterval(timer);
    },
  };
}
