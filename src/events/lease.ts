/**
 * The poller's lease: exactly one instance per app reads Agora's destructive event feeds. `acquire`
 * answers a fence (a token that grows with every grant) or nothing when another holds the lease;
 * `renew` keeps it and answers false once it was lost. The event log checks the fence on every
 * append, so a leader that was paused past its lease cannot publish once another instance took over.
 * In memory (one instance: always granted) here; SET NX PX with a fencing counter in ./lease-redis.ts.
 */

export interface Fence {
  token: number;
}

export interface Lease {
  acquire(): Promise<Fence | undefined>;
  renew(fence: Fence): Promise<boolean>;
  release(fence: Fence): Promise<void>;
  /** Whether `fence` is the current holder's. */
  holds(fence: Fence): Promise<boolean>;
}

export function createMemoryLease(options: { ttlMs: number; now?: () => number }): Lease {
  const now = options.now ?? (() => Date.now());
  let holder: { token: number; expiresAt: number } | undefined;
  let tokens = 0;
  const current = () => (holder && holder.expiresAt > now() ? holder : undefined);
  return {
    async acquire() {
      if (current()) return undefined;
      holder = { token: ++tokens, expiresAt: now() + options.ttlMs };
      return { token: holder.token };
    },
    async renew(fence) {
      const h = current();
      if (h?.token !== fence.token) return false;
      h.expiresAt = now() + options.ttlMs;
      return true;
    },
    async release(fence) {
      if (current()?.token === fence.token) holder = undefined;
    },
    holds: async (fence) => current()?.token === fence.token,
  };
}
