/**
 * The poller spends Agora's event-read budget while someone listens (10 reads a second for both stores,
 * 90% of it), and slows down when nobody does.
 */
import { describe, expect, it } from 'vitest';
import { startGateway, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';

const readsOver = async (server: Awaited<ReturnType<typeof startGateway>>['server'], ms: number) => {
  const before = server.events.pollerStats().reads;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ((server.events.pollerStats().reads - before) * 1000) / ms;
};

describe('the poller', () => {
  it("reads at the budget's pace while subscribers listen, within it, and slows when none do", async () => {
    const { graphqlUrl, server } = await startGateway();
    await expect.poll(() => server.events.pollerStats().role).toBe('leader');
    // Nobody listens: a round (two reads) every 2 s.
    expect(await readsOver(server, 2500)).toBeLessThanOrEqual(2.5);
    const live = subscribe(wsClient(graphqlUrl), 'userEvents', 'subscription { userEvents { type } }');
    await activeSubscriptions(server, 1);
    const listened = await readsOver(server, 3000);
    expect(listened).toBeGreaterThanOrEqual(6);
    expect(listened).toBeLessThanOrEqual(10);
    live.stop();
  });
});
