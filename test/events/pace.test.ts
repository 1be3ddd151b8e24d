/**
 * The background readers spend their Agora budgets while someone listens and stay within them: the
 * poller Signaling's 10 event reads a second (90% of it, slower when nobody listens), the presence
 * watcher half of Chat's 50 presence reads a second (never sooner than its floor).
 */
import { describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/agora/limits.ts';
import { createPace } from '../../src/events/pace.ts';
import { startGateway, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';

type Gateway = Awaited<ReturnType<typeof startGateway>>['server'];

const perSecondOver = async (count: () => number, ms: number) => {
  const before = count();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((count() - before) * 1000) / ms;
};
const pollerReads = (server: Gateway) => () => server.events.pollerStats().reads;
const presenceReads = (server: Gateway) => () => server.events.presenceStats().reads;

describe('the poller', () => {
  it("reads at the budget's pace while subscribers listen, within it, and slows when none do", async () => {
    const { graphqlUrl, server } = await startGateway();
    await expect.poll(() => server.events.pollerStats().role).toBe('leader');
    // Nobody listens: a round (two reads) every 2 s.
    expect(await perSecondOver(pollerReads(server), 2500)).toBeLessThanOrEqual(2.5);
    const live = subscribe(wsClient(graphqlUrl), 'userEvents', 'subscription { userEvents { type } }');
    await activeSubscriptions(server, 1);
    const listened = await perSecondOver(pollerReads(server), 3000);
    expect(listened).toBeGreaterThanOrEqual(6);
    expect(listened).toBeLessThanOrEqual(10);
    live.stop();
  });
});

describe('the presence watcher', () => {
  it('reads nothing while nobody watches, at its floor for a few names, and at half the budget for many, with no 429', async () => {
    const { server } = await startGateway({ PRESENCE_POLL_INTERVAL_MS: '200' });
    await expect.poll(() => server.events.pollerStats().role).toBe('leader');
    expect(await perSecondOver(presenceReads(server), 600)).toBe(0);

    // Two names: one read a round, a round every 200 ms (the budget would allow one every 41 ms).
    const few = server.events.watch(['alice', 'bob']);
    await expect.poll(presenceReads(server)).toBeGreaterThan(0);
    const atFloor = await perSecondOver(presenceReads(server), 2000);
    expect(atFloor).toBeGreaterThanOrEqual(3.5);
    expect(atFloor).toBeLessThanOrEqual(5.5);
    few();

    // 1,500 names: 15 reads a round; half of 50/s paces a round about every 612 ms.
    const names = Array.from({ length: 1500 }, (_, i) => `watched${i}`);
    for (const name of names) server.emulator!.state.chat.addUser(name);
    const many = server.events.watch(names);
    await expect.poll(presenceReads(server)).toBeGreaterThan(15);
    const paced = await perSecondOver(presenceReads(server), 3000);
    expect(paced).toBeGreaterThanOrEqual(15);
    expect(paced).toBeLessThanOrEqual(RATE_LIMITS['chat.presence.getMany'].limit / 2);
    many();
    expect(server.events.presenceStats().limited).toBe(0);
    expect(server.emulator!.traffic.snapshot()['chat.presence.getMany']?.byStatus['429']).toBeUndefined();
  });
});

describe('a pace', () => {
  const pace = () => createPace({ budget: { limit: 50, windowMs: 1000 }, share: 0.5, floorMs: 200, idleMs: 2000 });

  it('keeps rounds a floor apart, spaces many calls by the share of the budget, and waits longer while idle', () => {
    const p = pace();
    expect(p.gapMs(1)).toBe(200);
    // 15 calls at 25 a padded second (50 per 1,020 ms, halved).
    expect(p.gapMs(15)).toBe(Math.ceil((15 * 1000) / ((50 * 1000) / 1020 / 2)));
    expect(p.gapMs(1, true)).toBe(2000);
  });

  it('doubles the gap after a 429 and halves it again with each round that had none', () => {
    const p = pace();
    p.limited(1);
    p.roundEnded();
    expect(p.gapMs(1)).toBe(400);
    p.limited(1);
    p.roundEnded();
    expect(p.gapMs(1)).toBe(800);
    p.roundEnded();
    expect(p.gapMs(1)).toBe(400);
    p.roundEnded();
    p.roundEnded();
    expect(p.gapMs(1)).toBe(200);
  });
});
