/**
 * Shared reads: one layer above every request's loaders, for reads that are the same for every viewer
 * allowed to see them (a user's profile, online status, a group's or room's details).
 *
 * - Coalescing: identical reads in flight at once, from any requests, are one call.
 * - Cross-request batching: keys for a batch endpoint arriving within `windowMs` from different requests
 *   join one call (chunked at the endpoint's maximum).
 * - A cache with bounded staleness: each value is kept `ttlMs` at most, and dropped at once when an event
 *   says it changed (the gateway's own mutations and the poller's and callbacks' events, which reach every
 *   instance through the event log). In this process, or in Redis for every instance (ValueStore).
 *
 * A request that asks for fresh data skips the cache (it still coalesces with a call in flight). Each
 * request's ledger counts its cache hits and coalesced reads beside the calls it made; a shared call is
 * made with the ledger of the request that started it and no abort signal (others wait on it too).
 */
import type { Redis } from 'ioredis';
import type { CallLedger } from '../agora/call-ledger.ts';
import { sharedKeys, type MemberPages, type SharedBatch, type SharedKey } from './keys.ts';

/** Where cached values live: this process, or Redis (shared by every instance). */
export interface ValueStore {
  get(key: string): Promise<{ value: unknown } | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  size(): number | undefined;
}

export function createMemoryValueStore(maxEntries: number): ValueStore {
  const cache = new Map<string, { value: unknown; expiresAt: number }>();
  return {
    async get(key) {
      const entry = cache.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        cache.delete(key);
        return undefined;
      }
      return entry;
    },
    async set(key, value, ttlMs) {
      cache.delete(key);
      cache.set(key, { value, expiresAt: Date.now() + ttlMs });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    },
    async delete(key) {
      cache.delete(key);
    },
    size: () => cache.size,
  };
}

/** Values as JSON under `prefix`, each with its own expiry (PX): every instance reads what one cached. */
export function createRedisValueStore(redis: Redis, prefix: string): ValueStore {
  return {
    async get(key) {
      const text = await redis.get(`${prefix}${key}`);
      return text === null ? undefined : { value: JSON.parse(text) as unknown };
    },
    async set(key, value, ttlMs) {
      await redis.set(`${prefix}${key}`, JSON.stringify(value), 'PX', ttlMs);
    },
    async delete(key) {
      await redis.del(`${prefix}${key}`);
    },
    size: () => undefined,
  };
}

export interface SharedReadSettings {
  /** Off: each request reads for itself (the gateway then builds no shared layer). */
  enabled: boolean;
  /** How long a key waits for others to join its batch call. */
  windowMs: number;
  /** Longest a cached value is served, per kind of read (0: batched and coalesced, never cached). */
  ttlMs: { user: number; online: number; collective: number; attributes: number };
  /** Most values kept. */
  maxEntries: number;
}

export type ShareKind = keyof SharedReadSettings['ttlMs'];

interface Pending<V> {
  keys: Map<string, { resolve(v: V | Error): void; promises: Promise<V | Error> }>;
  ledger: CallLedger | undefined;
  timer: NodeJS.Timeout;
}

export interface SharedReads {
  /** One value by key: from the cache, from a call in flight, or from `load`. */
  one<V>(key: SharedKey, kind: ShareKind, reader: Reader, load: (ledger: CallLedger | undefined) => Promise<V>): Promise<V>;
  /** Values of a batch endpoint by key, in order; misses from any requests within the window share one call per chunk. */
  many<V>(
    batch: SharedBatch,
    keys: readonly string[],
    kind: ShareKind,
    reader: Reader,
    maxBatch: number,
    load: (keys: string[], ledger: CallLedger | undefined) => Promise<(V | Error)[]>,
  ): Promise<(V | Error)[]>;
  /** Drops what is cached under this key. */
  invalidate(key: SharedKey): Promise<void>;
  /**
   * A family of keys (a group's member pages) dropped at once: reads name keys with the family's
   * current generation, and `bump` starts a new one, so no listing of keys is needed (in Redis neither).
   */
  generation(family: MemberPages): Promise<string>;
  bump(family: MemberPages): Promise<void>;
}

/** Who reads: their ledger, and whether they asked for fresh data. */
export interface Reader {
  ledger: CallLedger | undefined;
  fresh: boolean;
}

export function createSharedReads(settings: SharedReadSettings, store: ValueStore = createMemoryValueStore(settings.maxEntries)): SharedReads {
  const inflight = new Map<string, Promise<unknown>>();
  const pending = new Map<string, Pending<unknown>>();

  const cached = (key: string) => store.get(key).catch(() => undefined);
  const keep = (key: string, kind: ShareKind, value: unknown) => {
    const ttl = settings.ttlMs[kind];
    if (ttl <= 0 || value instanceof Error) return;
    // A cache that cannot be written is a miss next time, never a failed read.
    void store.set(key, value, ttl).catch(() => undefined);
  };

  function flush<V>(
    endpoint: SharedBatch,
    kind: ShareKind,
    maxBatch: number,
    load: (keys: string[], ledger: CallLedger | undefined) => Promise<(V | Error)[]>,
  ): void {
    const batch = pending.get(endpoint) as Pending<V> | undefined;
    if (!batch) return;
    pending.delete(endpoint);
    clearTimeout(batch.timer);
    const entries = [...batch.keys];
    for (let i = 0; i < entries.length; i += maxBatch) {
      const chunk = entries.slice(i, i + maxBatch);
      const keys = chunk.map(([k]) => k);
      load(keys, batch.ledger).then(
        (values) =>
          chunk.forEach(([key, waiter], j) => {
            const value = values[j] ?? new Error(`no value for ${key}`);
            keep(sharedKeys.item(endpoint, key), kind, value);
            waiter.resolve(value);
          }),
        (error: unknown) => chunk.forEach(([, waiter]) => waiter.resolve(error instanceof Error ? error : new Error(String(error)))),
      );
    }
  }

  return {
    async one(key, kind, reader, load) {
      if (!reader.fresh) {
        const hit = await cached(key);
        if (hit) {
          if (reader.ledger) reader.ledger.cacheHits++;
          return hit.value as never;
        }
      }
      const running = inflight.get(key);
      if (running) {
        if (reader.ledger) reader.ledger.coalesced++;
        return running as never;
      }
      const call = load(reader.ledger).then((value) => {
        keep(key, kind, value);
        return value;
      });
      inflight.set(key, call);
      call.then(
        () => inflight.delete(key),
        () => inflight.delete(key),
      );
      return call;
    },

    many(endpoint, keys, kind, reader, maxBatch, load) {
      return Promise.all(
        keys.map(async (key) => {
          if (!reader.fresh) {
            const hit = await cached(sharedKeys.item(endpoint, key));
            if (hit) {
              if (reader.ledger) reader.ledger.cacheHits++;
              return hit.value as never;
            }
          }
          let batch = pending.get(endpoint);
          if (!batch) {
            batch = { keys: new Map(), ledger: reader.ledger, timer: setTimeout(() => flush(endpoint, kind, maxBatch, load), settings.windowMs) };
            pending.set(endpoint, batch);
          } else if (reader.ledger && batch.ledger !== reader.ledger) {
            reader.ledger.coalesced++;
          }
          let waiter = batch.keys.get(key);
          if (!waiter) {
            let resolve!: (v: unknown) => void;
            const promises = new Promise<unknown>((r) => (resolve = r));
            waiter = { resolve, promises };
            batch.keys.set(key, waiter);
          }
          return waiter.promises as never;
        }),
      );
    },

    invalidate: (key) => store.delete(key).catch(() => undefined),
    async generation(family) {
      const found = await cached(`gen:${family}`);
      return typeof found?.value === 'string' ? found.value : '0';
    },
    bump: (family) => store.set(`gen:${family}`, Math.random().toString(36).slice(2), 24 * 3600_000).catch(() => undefined),
  };
}
