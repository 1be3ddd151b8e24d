import { describe, expect, it } from 'vitest';
import type { ArchivedMessage } from '../../src/agora/chat/messages.ts';
import { createMemoryMessageStore, peerKey, type MessageStore, type RetentionSettings } from '../../src/conversations/store.ts';
import { createRedisMessageStore } from '../../src/conversations/store-redis.ts';
import { startRedis } from '../helpers/redis.ts';

/**
 * One contract, two stores: the in-memory store of one instance and the Redis store several share.
 * Each case gets a fresh store, the retention it names, and a clock it moves by hand.
 */
type MakeStore = (retention: RetentionSettings, now: () => number) => Promise<MessageStore>;

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 12);
let seq = 0;
const message = (over: Partial<ArchivedMessage> & Pick<ArchivedMessage, 'from' | 'to'>): ArchivedMessage => ({
  id: `m${String(++seq).padStart(6, '0')}`,
  conversation: 'user',
  timestamp: T0,
  bodies: [{ type: 'txt', msg: 'hi' }],
  ext: undefined,
  ...over,
});

function messageStoreContract(name: string, make: MakeStore) {
  const open = async (retention: Partial<RetentionSettings> = {}) => {
    let clock = T0 + 1000;
    const store = await make({ maxPerConversation: 1000, maxAgeMs: 30 * 24 * HOUR, ...retention }, () => clock);
    return { store, advance: (ms: number) => void (clock += ms) };
  };

  describe(`${name} message store`, () => {
    it('stores a message once by id, answering what was new', async () => {
      const { store } = await open();
      const m = message({ from: 'alice', to: 'bob' });
      expect(await store.add([m])).toEqual([m]);
      expect(await store.add([m, { ...m, bodies: [{ type: 'txt', msg: 'changed' }] }])).toEqual([]);
      expect(await store.get([m.id, 'nope'])).toEqual([{ ...m, recalled: false }, undefined]);
    });

    it("lists a user's one-to-one conversations newest first, for both of its users", async () => {
      const { store } = await open();
      await store.add([
        message({ from: 'alice', to: 'bob', timestamp: T0 }),
        message({ from: 'carol', to: 'alice', timestamp: T0 + 20 }),
        message({ from: 'bob', to: 'alice', timestamp: T0 + 10 }),
      ]);
      expect((await store.peerConversations('alice')).map((a) => [a.key, a.at])).toEqual([
        [peerKey('alice', 'carol'), T0 + 20],
        [peerKey('alice', 'bob'), T0 + 10],
      ]);
      expect((await store.peerConversations('bob')).map((a) => a.key)).toEqual([peerKey('alice', 'bob')]);
      expect(await store.peerConversations('dave')).toEqual([]);
    });

    it('pages a conversation from either end, by time then id, and knows the newest message of each', async () => {
      const { store } = await open();
      const all = Array.from({ length: 7 }, (_, i) => message({ from: 'alice', to: '42', conversation: 'group', timestamp: T0 + Math.floor(i / 2) }));
      await store.add([...all].reverse());
      const key = 'group:42';
      const newest = await store.messages(key, { limit: 3, from: 'newest' });
      expect(newest.messages.map((m) => m.id)).toEqual(all.slice(4).map((m) => m.id));
      expect(newest.more).toBe(true);
      const before = await store.messages(key, { limit: 3, from: 'newest', before: { at: all[4]!.timestamp, id: all[4]!.id } });
      expect(before.messages.map((m) => m.id)).toEqual(all.slice(1, 4).map((m) => m.id));
      const after = await store.messages(key, { limit: 10, from: 'oldest', after: { at: all[4]!.timestamp, id: all[4]!.id } });
      expect(after).toEqual({ messages: all.slice(5).map((m) => ({ ...m, recalled: false })), more: false, total: 2 });
      expect(await store.activity([key, 'group:none'])).toEqual(new Map([[key, { key, at: all[6]!.timestamp, lastMessageId: all[6]!.id }]]));
    });

    it("counts unread messages after a read horizon, leaving out the reader's own and recalled ones; the horizon only moves forward", async () => {
      const { store } = await open();
      const [a, b, c, d] = [
        message({ from: 'bob', to: 'alice', timestamp: T0 + 1 }),
        message({ from: 'alice', to: 'bob', timestamp: T0 + 2 }),
        message({ from: 'bob', to: 'alice', timestamp: T0 + 3 }),
        message({ from: 'bob', to: 'alice', timestamp: T0 + 4 }),
      ];
      await store.add([a!, b!, c!, d!]);
      const key = peerKey('alice', 'bob');
      expect(await store.unread([{ key, username: 'alice', since: 0 }])).toEqual([3]);
      // Many at once, in the order asked: bob's own messages are not unread to him.
      expect(
        await store.unread([
          { key, username: 'bob', since: 0 },
          { key: 'group:none', username: 'bob', since: 0 },
          { key, username: 'alice', since: T0 + 3 },
        ]),
      ).toEqual([1, 0, 1]);
      expect(await store.markRead('alice', key, T0 + 3)).toBe(T0 + 3);
      expect(await store.markRead('alice', key, T0 + 1)).toBe(T0 + 3);
      expect(await store.readHorizons('alice', [key, 'group:1'])).toEqual(new Map([[key, T0 + 3]]));
      expect(await store.unread([{ key, username: 'alice', since: T0 + 3 }])).toEqual([1]);
      expect(await store.recall(d!.id)).toMatchObject({ id: d!.id, recalled: true });
      // A second recall of it (another instance heard the same callback) changes nothing, and says so.
      expect(await store.recall(d!.id)).toBeUndefined();
      expect(await store.unread([{ key, username: 'alice', since: T0 + 3 }])).toEqual([0]);
      expect((await store.get([d!.id]))[0]?.recalled).toBe(true);
    });

    it('keeps a recall of a message it did not know yet: a later copy does not bring the message back', async () => {
      const { store } = await open();
      const m = message({ from: 'alice', to: 'bob' });
      expect(await store.recall(m.id)).toBeUndefined();
      expect(await store.add([m])).toEqual([]);
      expect(await store.messages(peerKey('alice', 'bob'), { limit: 10, from: 'newest' })).toEqual({ messages: [], more: false, total: 0 });
    });

    it('keeps the newest messages of each conversation, within the age limit', async () => {
      const { store, advance } = await open({ maxPerConversation: 3, maxAgeMs: HOUR });
      const msgs = Array.from({ length: 5 }, (_, i) => message({ from: 'alice', to: 'bob', timestamp: T0 + i }));
      expect(await store.add(msgs)).toHaveLength(3);
      const key = peerKey('alice', 'bob');
      expect((await store.messages(key, { limit: 10, from: 'oldest' })).messages.map((m) => m.id)).toEqual(msgs.slice(2).map((m) => m.id));
      expect(await store.get([msgs[0]!.id])).toEqual([undefined]);
      // An hour on, nothing of it is kept, and what is older than the limit is not stored at all.
      advance(HOUR);
      await store.add([message({ from: 'alice', to: 'bob', timestamp: T0 + 1000 + HOUR })]);
      expect((await store.messages(key, { limit: 10, from: 'oldest' })).messages).toHaveLength(1);
      expect(await store.add([message({ from: 'carol', to: 'dave', timestamp: T0 })])).toEqual([]);
    });

    it("notes a one-to-one message's receipts by its recipient, the first of each kind, once", async () => {
      const { store } = await open();
      const m = message({ from: 'alice', to: 'bob', timestamp: T0 + 5 });
      const inGroup = message({ from: 'alice', to: '7', conversation: 'group', timestamp: T0 + 6 });
      await store.add([m, inGroup]);
      expect(await store.receipt(m.id, { kind: 'delivery', by: 'carol', at: T0 + 7 })).toBeUndefined();
      expect(await store.receipt(inGroup.id, { kind: 'read', by: 'bob', at: T0 + 7 })).toBeUndefined();
      expect(await store.receipt(m.id, { kind: 'delivery', by: 'bob', at: T0 + 7 })).toMatchObject({ deliveredAt: T0 + 7 });
      expect(await store.receipt(m.id, { kind: 'delivery', by: 'bob', at: T0 + 8 })).toBeUndefined();
      expect(await store.receipt(m.id, { kind: 'read', by: 'bob', at: T0 + 9 })).toMatchObject({ deliveredAt: T0 + 7, readAt: T0 + 9 });
      expect((await store.get([m.id]))[0]).toMatchObject({ deliveredAt: T0 + 7, readAt: T0 + 9, recalled: false });
    });

    it('remembers which export hours were reconciled', async () => {
      const { store } = await open();
      expect(await store.reconciled('2026120112')).toBe(false);
      await store.markReconciled('2026120112');
      expect(await store.reconciled('2026120112')).toBe(true);
    });
  });
}

messageStoreContract('in-memory', async (retention, now) => createMemoryMessageStore(retention, now));

let prefixes = 0;
messageStoreContract('Redis', async (retention, now) => {
  const redis = await startRedis();
  return createRedisMessageStore(redis.client(), `test:${++prefixes}:`, retention, now);
});

describe('the Redis message store across instances', () => {
  it('stores a message heard by two instances once', async () => {
    const redis = await startRedis();
    const retention = { maxPerConversation: 1000, maxAgeMs: 30 * 24 * HOUR };
    const [one, two] = [createRedisMessageStore(redis.client(), 'x:', retention), createRedisMessageStore(redis.client(), 'x:', retention)];
    const m = message({ from: 'alice', to: 'bob', timestamp: Date.now() });
    const answers = await Promise.all([one!.add([m]), two!.add([m])]);
    expect(answers.flat()).toEqual([m]);
    expect((await two!.messages(peerKey('alice', 'bob'), { limit: 5, from: 'newest' })).messages).toHaveLength(1);
  });
});
