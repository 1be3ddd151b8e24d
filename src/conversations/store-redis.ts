/**
 * The message store in Redis, shared by every instance (the contract is ./store.ts's):
 *
 *   <p>m:<id>       the message as JSON (or a recall's tombstone), expiring with the age limit
 *   <p>c:<key>      a conversation: message ids scored by send time (ties in id order, as Redis sorts them)
 *   <p>p:<user>     a user's one-to-one conversations, scored by their newest message
 *   <p>h:<user>     a user's read horizons, by conversation
 *   <p>reconciled   the export hours already reconciled
 *   <p>recalls      the ids recalled, so that one instance says so
 *
 * A message is added once, by whichever instance sets its `m:` key first (SET NX), so a callback heard
 * by every instance, or a send that Agora's callback repeats, is stored once. Run Redis with AOF
 * (appendonly yes) for this data: without it a restart of Redis loses what was not yet saved.
 */
import type { Redis } from 'ioredis';
import { conversationKeyOf, pageOf, receiptApplies, type Activity, type MessageStore, type RetentionSettings, type StoredMessage } from './store.ts';

interface Tombstone {
  id: string;
  tombstone: true;
}

const parse = (text: string | null): StoredMessage | Tombstone | undefined => (text === null ? undefined : (JSON.parse(text) as StoredMessage | Tombstone));
const isMessage = (v: StoredMessage | Tombstone | undefined): v is StoredMessage => v !== undefined && !('tombstone' in v);

export function createRedisMessageStore(redis: Redis, prefix: string, retention: RetentionSettings, now: () => number = Date.now): MessageStore {
  const k = {
    message: (id: string) => `${prefix}m:${id}`,
    conversation: (key: string) => `${prefix}c:${key}`,
    peers: (user: string) => `${prefix}p:${user}`,
    horizons: (user: string) => `${prefix}h:${user}`,
    reconciled: `${prefix}reconciled`,
    recalls: `${prefix}recalls`,
    receipts: `${prefix}receipts`,
  };
  const ttlSeconds = Math.max(1, Math.ceil(retention.maxAgeMs / 1000));

  const load = async (ids: readonly string[]): Promise<(StoredMessage | Tombstone | undefined)[]> =>
    ids.length === 0 ? [] : (await redis.mget(...ids.map(k.message))).map(parse);

  /** Applies the retention to one conversation, deleting the messages it drops; answers its newest entry. */
  async function trim(key: string): Promise<Activity | undefined> {
    const zset = k.conversation(key);
    const oldest = now() - retention.maxAgeMs;
    const [old, surplus] = await redis
      .multi()
      .zrangebyscore(zset, '-inf', `(${oldest}`)
      .zrange(zset, 0, -(retention.maxPerConversation + 1))
      .exec()
      .then((r) => (r ?? []).map(([, v]) => (v ?? []) as string[]));
    const dropped = [...new Set([...(old ?? []), ...(surplus ?? [])])];
    if (dropped.length > 0)
      await redis
        .multi()
        .zrem(zset, ...dropped)
        .del(...dropped.map(k.message))
        .exec();
    const newest = await redis.zrange(zset, -1, -1, 'WITHSCORES');
    return newest.length === 2 ? { key, at: Number(newest[1]), lastMessageId: newest[0]! } : undefined;
  }

  return {
    async add(batch) {
      const fresh = batch.filter((m) => m.timestamp >= now() - retention.maxAgeMs);
      if (fresh.length === 0) return [];
      const claims = await fresh
        .reduce(
          (multi, m) => multi.set(k.message(m.id), JSON.stringify({ ...m, recalled: false } satisfies StoredMessage), 'EX', ttlSeconds, 'NX'),
          redis.multi(),
        )
        .exec();
      const added = fresh.filter((_m, i) => claims?.[i]?.[1] === 'OK');
      if (added.length === 0) return [];
      const keys = new Set<string>();
      const index = redis.multi();
      for (const m of added) {
        const key = conversationKeyOf(m);
        keys.add(key);
        index.zadd(k.conversation(key), m.timestamp, m.id);
      }
      await index.exec();
      for (const key of keys) {
        const newest = await trim(key);
        const sample = added.find((m) => conversationKeyOf(m) === key)!;
        if (sample.conversation !== 'user') continue;
        const peers = redis.multi();
        for (const name of [sample.from, sample.to]) {
          if (newest) peers.zadd(k.peers(name), 'GT', newest.at, key);
          else peers.zrem(k.peers(name), key);
        }
        await peers.exec();
      }
      const kept = await load(added.map((m) => m.id));
      return added.filter((_m, i) => isMessage(kept[i]));
    },
    async recall(id) {
      const known = parse(await redis.get(k.message(id)));
      if (!isMessage(known)) {
        await redis.set(k.message(id), JSON.stringify({ id, tombstone: true } satisfies Tombstone), 'EX', ttlSeconds);
        return undefined;
      }
      // The first to recall it says so; a second instance hearing the same callback finds it recalled.
      if (known.recalled || (await redis.sadd(k.recalls, id)) === 0) return undefined;
      const recalled = { ...known, recalled: true };
      await redis.set(k.message(id), JSON.stringify(recalled), 'KEEPTTL');
      await redis.pexpire(k.recalls, retention.maxAgeMs);
      return recalled;
    },
    get: async (ids) => (await load(ids)).map((v) => (isMessage(v) ? v : undefined)),
    async receipt(id, { kind, by, at }) {
      const [m] = await load([id]);
      if (!isMessage(m) || !receiptApplies(m, by)) return undefined;
      const field = kind === 'read' ? 'readAt' : 'deliveredAt';
      // The first instance to note it says so.
      if (m[field] !== undefined || (await redis.sadd(k.receipts, `${kind}:${id}`)) === 0) return undefined;
      const noted = { ...(parse(await redis.get(k.message(id))) as StoredMessage), [field]: at };
      await redis.set(k.message(id), JSON.stringify(noted), 'KEEPTTL');
      await redis.pexpire(k.receipts, retention.maxAgeMs);
      return noted;
    },
    async peerConversations(username) {
      const entries = await redis.zrange(k.peers(username), 0, -1, 'REV', 'WITHSCORES');
      const keys = entries.filter((_v, i) => i % 2 === 0);
      const activity = await this.activity(keys);
      return keys.flatMap((key) => (activity.has(key) ? [activity.get(key)!] : []));
    },
    async activity(keys) {
      if (keys.length === 0) return new Map();
      const newest = await keys.reduce((multi, key) => multi.zrange(k.conversation(key), -1, -1, 'WITHSCORES'), redis.multi()).exec();
      const out = new Map<string, Activity>();
      keys.forEach((key, i) => {
        const [id, score] = (newest?.[i]?.[1] ?? []) as string[];
        if (id !== undefined && score !== undefined) out.set(key, { key, at: Number(score), lastMessageId: id });
      });
      return out;
    },
    async messages(key, range) {
      // A conversation holds at most maxPerConversation ids: its whole index is one read, paged here as in memory.
      const flat = await redis.zrange(k.conversation(key), 0, -1, 'WITHSCORES');
      const index = [];
      for (let i = 0; i < flat.length; i += 2) index.push({ id: flat[i]!, at: Number(flat[i + 1]) });
      const { items, more, total } = pageOf(index, range);
      const loaded = await load(items.map((p) => p.id));
      return { messages: loaded.filter(isMessage), more, total };
    },
    async unread(queries) {
      if (queries.length === 0) return [];
      // Two round trips for any number of conversations: their ids after each horizon, then the messages.
      const after = await queries.reduce((multi, q) => multi.zrangebyscore(k.conversation(q.key), `(${q.since}`, '+inf'), redis.multi()).exec();
      const ids = queries.map((_q, i) => (after?.[i]?.[1] ?? []) as string[]);
      const loaded = await load(ids.flat());
      const byId = new Map(ids.flat().map((id, i) => [id, loaded[i]]));
      return queries.map(
        (q, i) =>
          ids[i]!.filter((id) => {
            const m = byId.get(id);
            return isMessage(m) && m.from !== q.username && !m.recalled;
          }).length,
      );
    },
    async readHorizons(username, keys) {
      if (keys.length === 0) return new Map();
      const values = await redis.hmget(k.horizons(username), ...keys);
      return new Map(keys.flatMap((key, i) => (values[i] === null || values[i] === undefined ? [] : [[key, Number(values[i])] as const])));
    },
    async markRead(username, key, upTo) {
      // Forward only, atomically across instances.
      const horizon = await redis.eval(
        "local h = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0'); local n = tonumber(ARGV[2]); if n > h then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]); return ARGV[2] end; return tostring(h)",
        1,
        k.horizons(username),
        key,
        String(upTo),
      );
      return Number(horizon);
    },
    reconciled: async (hour) => (await redis.sismember(k.reconciled, hour)) === 1,
    markReconciled: async (hour) => void (await redis.sadd(k.reconciled, hour)),
  };
}
