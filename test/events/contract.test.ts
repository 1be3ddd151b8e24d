import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryLease, type Lease } from '../../src/events/lease.ts';
import { createRedisLease } from '../../src/events/lease-redis.ts';
import { createMemoryEventLog, FencedOffError, type EventLog } from '../../src/events/log.ts';
import { createRedisEventLog } from '../../src/events/log-redis.ts';
import { routingKey } from '../../src/events/routing.ts';
import type { GatewayEvent, Sequenced } from '../../src/events/types.ts';
import { leftover } from '../helpers/leftovers.ts';
import { startRedis } from '../helpers/redis.ts';

/**
 * One contract, two implementations: what the in-memory event log and lease do for one instance, the
 * Redis ones do for several. Each case gets fresh keys.
 */
interface Parts {
  /** A log (and the lease it checks fences against); `peer` is a second instance on the same store. */
  make(options: { maxLength: number; ttlMs?: number }): Promise<{ log: EventLog; lease: Lease; now: { ms: number } }>;
}

const login = (username: string, at = 1): GatewayEvent => ({ kind: 'user', type: 'login', username, at });
const names = (events: Sequenced[]) => events.map((e) => (e.event.kind === 'user' ? e.event.username : '?'));

function contract(name: string, parts: () => Parts) {
  describe(`the ${name} event log and lease`, () => {
    it('stamps appended events with increasing sequence numbers and hands them to listeners in order', async () => {
      const { log } = await parts().make({ maxLength: 100 });
      const heard: Sequenced[] = [];
      log.listen((e) => heard.push(e));
      const first = await log.append([login('a'), login('b')]);
      const second = await log.append([login('c')]);
      expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
      await expect.poll(() => heard.length).toBe(3);
      expect(heard.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(names(heard)).toEqual(['a', 'b', 'c']);
    });

    it('hands a listener registered for routing keys only the events with one of them, in order, and stops when it leaves', async () => {
      const { log } = await parts().make({ maxLength: 100 });
      const everything: Sequenced[] = [];
      const ofA: Sequenced[] = [];
      const ofAOrC: Sequenced[] = [];
      log.listen((e) => everything.push(e));
      const leave = log.listen((e) => ofA.push(e), [routingKey.user('a')]);
      log.listen((e) => ofAOrC.push(e), [routingKey.user('a'), routingKey.user('c')]);
      const joined: GatewayEvent = { kind: 'channel', type: 'join', channel: 'lobby', username: 'a', at: 1 };
      await log.append([login('a'), login('b'), joined, login('c'), login('a', 2)]);
      await expect.poll(() => everything.length).toBe(5);
      expect(ofA.map((e) => e.seq)).toEqual([1, 5]);
      expect(ofAOrC.map((e) => e.seq)).toEqual([1, 4, 5]);
      leave();
      await log.append([login('a', 3)]);
      await expect.poll(() => everything.length).toBe(6);
      await expect.poll(() => ofAOrC.length).toBe(4);
      expect(ofA).toHaveLength(2);
    });

    it('reads what it holds after a sequence number, and keeps only the newest maxLength', async () => {
      const { log } = await parts().make({ maxLength: 3 });
      await log.append(['a', 'b', 'c', 'd', 'e'].map((n) => login(n)));
      const all = await log.read(0, 10);
      expect(names(all.events)).toEqual(['c', 'd', 'e']);
      expect(all).toMatchObject({ oldestSeq: 3, lastSeq: 5 });
      expect(names((await log.read(3, 1)).events)).toEqual(['d']);
      expect((await log.read(5, 10)).events).toEqual([]);
      expect(await log.window()).toEqual({ oldestSeq: 3, lastSeq: 5 });
    });

    it('an empty log says it starts after its last sequence', async () => {
      const { log } = await parts().make({ maxLength: 3 });
      expect(await log.window()).toEqual({ oldestSeq: 1, lastSeq: 0 });
    });

    it('grants the lease to one holder at a time, with a fence that grows on every grant', async () => {
      const { lease, now } = await parts().make({ maxLength: 3, ttlMs: 300 });
      const first = await lease.acquire();
      expect(first).toEqual({ token: expect.any(Number) });
      expect(await lease.acquire()).toBeUndefined();
      expect(await lease.renew(first!)).toBe(true);
      expect(await lease.holds(first!)).toBe(true);
      await lease.release(first!);
      const second = await lease.acquire();
      expect(second!.token).toBeGreaterThan(first!.token);
      expect(await lease.renew(first!)).toBe(false);
      expect(await lease.holds(first!)).toBe(false);
      // An unrenewed lease lapses after its ttl, and another may take it.
      now.ms += 400;
      await new Promise((resolve) => setTimeout(resolve, 400));
      const third = await lease.acquire();
      expect(third!.token).toBeGreaterThan(second!.token);
      expect(await lease.renew(second!)).toBe(false);
    });

    it("refuses a fenced append once the lease is another holder's, and appends nothing of it", async () => {
      const { log, lease, now } = await parts().make({ maxLength: 10, ttlMs: 200 });
      const old = (await lease.acquire())!;
      expect(await log.append([login('a')], old)).toHaveLength(1);
      now.ms += 300;
      await new Promise((resolve) => setTimeout(resolve, 300));
      const next = (await lease.acquire())!;
      await expect(log.append([login('late')], old)).rejects.toBeInstanceOf(FencedOffError);
      expect(await log.append([login('b')], next)).toHaveLength(1);
      expect(names((await log.read(0, 10)).events)).toEqual(['a', 'b']);
    });
  });
}

contract('in-memory', () => ({
  async make({ maxLength, ttlMs = 1000 }) {
    const now = { ms: 1_000_000 };
    const lease = createMemoryLease({ ttlMs, now: () => now.ms });
    return { log: leftover(createMemoryEventLog({ maxLength, lease }), (l) => l.close()), lease, now };
  },
}));

contract('Redis', () => ({
  async make({ maxLength, ttlMs = 1000 }) {
    const redis = await startRedis();
    const key = `test:${randomUUID()}`;
    const lease = createRedisLease(redis.client(), { key: `${key}:lease`, ttlMs });
    const log = leftover(await createRedisEventLog(redis.client(), { key, maxLength, leaseKey: `${key}:lease` }), (l) => l.close());
    return { log, lease, now: { ms: 0 } };
  },
}));

describe('the Redis event log across instances', () => {
  it('delivers what one instance appends to the listeners of every instance, in one order', async () => {
    const redis = await startRedis();
    const key = `test:${randomUUID()}`;
    const options = { key, maxLength: 100, leaseKey: `${key}:lease` };
    const [a, b] = [await createRedisEventLog(redis.client(), options), await createRedisEventLog(redis.client(), options)];
    leftover(a, (l) => l.close());
    leftover(b, (l) => l.close());
    const heardA: number[] = [];
    const heardB: number[] = [];
    a.listen((e) => heardA.push(e.seq));
    b.listen((e) => heardB.push(e.seq));
    await Promise.all([a.append([login('1'), login('2')]), b.append([login('3')]), a.append([login('4')])]);
    await expect.poll(() => [heardA.length, heardB.length]).toEqual([4, 4]);
    expect(heardA).toEqual([1, 2, 3, 4]);
    expect(heardB).toEqual([1, 2, 3, 4]);
  });
});
