/**
 * The rate-budget store in Redis, so that several gateway instances share Agora's per-app limits. The
 * same contract as the in-memory store (test/agora/budget-store.test.ts runs one suite against both):
 * per class one sorted set, each member a slot and its score the moment the slot leaves the window. A
 * grant is one Lua script (evict what left, count, add), so concurrent instances never grant past the
 * limit; a release is one ZADD XX.
 *
 * Time comes from the calling instance (`now`), as in the in-memory store: instances need synchronised
 * clocks (NTP), and the budgets' padding absorbs a few milliseconds of skew.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BudgetStore, BudgetWindow, TakeResult } from './budgets.ts';

/** KEYS[1]: the class's sorted set. ARGV: now, limit, windowMs, holdMs, reserve, slot. */
const TAKE = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[3])
local holdMs = tonumber(ARGV[4])
local room = tonumber(ARGV[2]) - tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local count = redis.call('ZCARD', KEYS[1])
if count < room then
  redis.call('ZADD', KEYS[1], now + holdMs + windowMs, ARGV[6])
  -- No slot outlives this: the set goes when its last slot would.
  redis.call('PEXPIRE', KEYS[1], holdMs + windowMs)
  return {1, 0}
end
if room <= 0 then return {0, windowMs} end
local freeing = redis.call('ZRANGE', KEYS[1], count - room, count - room, 'WITHSCORES')
return {0, math.max(1, math.ceil(tonumber(freeing[2]) - now))}
`;

interface BudgetCommands {
  agoraBudgetTake(key: string, now: number, limit: number, windowMs: number, holdMs: number, reserve: number, slot: string): Promise<[number, number]>;
}

export function createRedisBudgetStore(redis: Redis, options: { now?: () => number } = {}): BudgetStore {
  const now = options.now ?? (() => Date.now());
  // defineCommand sends the script once and EVALSHA after that.
  redis.defineCommand('agoraBudgetTake', { numberOfKeys: 1, lua: TAKE });
  const commands = redis as unknown as BudgetCommands;
  const keyOf = (key: string) => `agora-graphql:budget:${key}`;
  return {
    async tryTake(key: string, window: BudgetWindow, reserve: number): Promise<TakeResult> {
      const slot = randomUUID();
      const [granted, retryInMs] = await commands.agoraBudgetTake(keyOf(key), now(), window.limit, window.windowMs, window.holdMs, reserve, slot);
      return granted === 1 ? { granted: true, slot } : { granted: false, retryInMs };
    },
    async release(key: string, slot: string, window: BudgetWindow): Promise<void> {
      // XX: only a slot still counted moves; one that already left is not put back.
      await redis.zadd(keyOf(key), 'XX', now() + window.windowMs, slot);
    },
  };
}
