/**
 * The poller's lease in Redis: SET NX PX, with a fencing token from a counter that only grows, so a
 * token names one grant forever. Renew and release act only for the token's holder (one script each).
 */
import type { Redis } from 'ioredis';
import type { Fence, Lease } from './lease.ts';

/** KEYS: lease, fencing counter. ARGV: ttl ms. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token
`;
/** KEYS: lease. ARGV: token, ttl ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;
/** KEYS: lease. ARGV: token. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

interface LeaseCommands {
  leaseAcquire(lease: string, counter: string, ttlMs: number): Promise<number>;
  leaseRenew(lease: string, token: number, ttlMs: number): Promise<number>;
  leaseRelease(lease: string, token: number): Promise<number>;
}

export function createRedisLease(redis: Redis, options: { key: string; ttlMs: number }): Lease & { key: string } {
  redis.defineCommand('leaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
  redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: RENEW });
  redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  const commands = redis as unknown as LeaseCommands;
  const { key, ttlMs } = options;
  return {
    key,
    async acquire() {
      const token = await commands.leaseAcquire(key, `${key}:fence`, ttlMs);
      return token > 0 ? { token } : undefined;
    },
    renew: async (fence: Fence) => (await commands.leaseRenew(key, fence.token, ttlMs)) === 1,
    release: async (fence: Fence) => void (await commands.leaseRelease(key, fence.token)),
    holds: async (fence: Fence) => (await redis.get(key)) === String(fence.token),
  };
}
