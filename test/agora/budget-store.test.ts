import { describe, expect, it } from 'vitest';
import { createRedisBudgetStore } from '../../src/agora/budget-store-redis.ts';
import { createMemoryBudgetStore, type BudgetStore } from '../../src/agora/budgets.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';
import { startRedis } from '../helpers/redis.ts';

/**
 * One contract, two stores: what the in-memory store does for one instance, the Redis store does for
 * several, atomically. Each case gets a fresh store and a clock it moves by hand.
 */
type MakeStore = (now: () => number) => Promise<BudgetStore>;

function budgetStoreContract(name: string, make: MakeStore) {
  describe(`the ${name} budget store`, () => {
    const window = { limit: 3, windowMs: 100, holdMs: 10_000 };
    const setup = async () => {
      const clock = { now: 1_000_000 };
      const store = await make(() => clock.now);
      const take = async (key = 'k', reserve = 0) => store.tryTake(key, window, reserve);
      return { clock, store, take };
    };

    it('grants the limit at once, then counts slots in flight until their hold runs out', async () => {
      const { take } = await setup();
      for (let i = 0; i < 3; i++) expect(await take()).toMatchObject({ granted: true, slot: expect.any(String) });
      expect(await take()).toEqual({ granted: false, retryInMs: 10_100 });
    });

    it('keeps a released slot in the window for windowMs from its release, and says when it frees', async () => {
      const { clock, store, take } = await setup();
      const slots: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await take();
        if (r.granted) slots.push(r.slot);
      }
      clock.now += 40;
      await store.release('k', slots[0]!, window);
      clock.now += 10;
      await store.release('k', slots[1]!, window);
      expect(await take()).toEqual({ granted: false, retryInMs: 90 });
      clock.now += 89;
      expect(await take()).toEqual({ granted: false, retryInMs: 1 });
      clock.now += 1;
      expect(await take()).toMatchObject({ granted: true });
      expect(await take()).toEqual({ granted: false, retryInMs: 10 });
    });

    it('keeps a reserve of the window from background callers', async () => {
      const { store } = await setup();
      const wide = { limit: 10, windowMs: 100, holdMs: 10_000 };
      for (let i = 0; i < 8; i++) expect(await store.tryTake('k', wide, 2)).toMatchObject({ granted: true });
      expect(await store.tryTake('k', wide, 2)).toMatchObject({ granted: false });
      expect(await store.tryTake('k', wide, 0)).toMatchObject({ granted: true });
    });

    it('keeps classes apart, and does not put back a slot that already left', async () => {
      const { clock, store, take } = await setup();
      const first = await take('a');
      for (let i = 0; i < 2; i++) await take('a');
      expect(await take('b')).toMatchObject({ granted: true });
      clock.now += 10_100;
      expect(await take('a')).toMatchObject({ granted: true });
      if (first.granted) await store.release('a', first.slot, window);
      // The released slot had expired already: it does not count again.
      expect(await take('a')).toMatchObject({ granted: true });
    });

    it('grants exactly the limit to callers racing for it', async () => {
      const { store } = await setup();
      const wide = { limit: 50, windowMs: 1000, holdMs: 10_000 };
      const results = await Promise.all(Array.from({ length: 200 }, () => store.tryTake('race', wide, 0)));
      expect(results.filter((r) => r.granted)).toHaveLength(50);
    });
  });
}

budgetStoreContract('in-memory', async (now) => createMemoryBudgetStore(now));

budgetStoreContract('Redis', async (now) => {
  const redis = await startRedis();
  return createRedisBudgetStore(redis.client(), { now });
});

describe('budgets shared through Redis', () => {
  it("keep two instances together within Agora's limit: a burst of twice the limit split across both gets zero 429s", async () => {
    const redis = await startRedis();
    const { emulator, control } = await startEmulator();
    // Two gateway instances: two clients, each with its own connection to one Redis.
    const instances = [0, 1].map(() => clientFor(emulator, { budget: { store: createRedisBudgetStore(redis.client()), maxWaitMs: 30_000 } }));
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => instances[i % 2]!.signaling.sendChannelMessage({ from: 'load', channel: 'shared', payload: `m${i}` })),
    );
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect((await control.calls())['signaling.sendChannelMessage']?.byStatus).toEqual({ 200: 1000 });
  });

  it('without the shared store each instance would overrun Agora: twice the limit at once gets 429s, and with it none', async () => {
    // Signaling history is limited to 10 calls a second: 20 calls at once cannot all pass.
    const burst = async (instances: ReturnType<typeof clientFor>[]) =>
      Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          instances[i % 2]!.signaling.countHistory({ source: 'a', startTime: new Date(Date.now() - 60_000), endTime: new Date() }),
        ),
      );
    const alone = await startEmulator();
    await burst([0, 1].map(() => clientFor(alone.emulator, { budget: { maxWaitMs: 30_000 }, retryUnitMs: 1 })));
    expect((await alone.control.calls())['signaling.countHistory']?.byStatus['429'] ?? 0).toBeGreaterThan(0);

    const redis = await startRedis();
    const shared = await startEmulator();
    await burst([0, 1].map(() => clientFor(shared.emulator, { budget: { store: createRedisBudgetStore(redis.client()), maxWaitMs: 30_000 } })));
    expect((await shared.control.calls())['signaling.countHistory']?.byStatus).toEqual({ 200: 20 });
  });
});
