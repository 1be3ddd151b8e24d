import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { createEmulator } from '../../src/emulator/server.ts';
import { requestCalls } from '../helpers/agora.ts';
import { startGateway, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { leftover } from '../helpers/leftovers.ts';
import { activeSubscriptions, subscribe, subscribeSse } from '../helpers/live.ts';

/** Fast polling, so that tests wait milliseconds; Agora's 10 event reads a second still pace the poller. */
const LIVE_ENV = { EVENT_POLL_INTERVAL_MS: '20', PRESENCE_POLL_INTERVAL_MS: '50' };

interface UserEventResult {
  cursor: string;
  type: string;
  user: { username: string };
}
interface ChannelEventResult {
  type: string;
  channel: string;
  user: { username: string };
}

const USER_EVENTS =
  'subscription ($usernames: [String!], $after: String) { userEvents(usernames: $usernames, after: $after) { cursor type user { username } } }';
const CHANNEL_EVENTS = 'subscription ($channels: [String!]) { channelEvents(channels: $channels) { type channel user { username } } }';

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('Signaling events, live', () => {
  it('simulated logins, logouts, joins and leaves reach exactly the subscribers whose filters match, in order, once each; over SSE too', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    const ann = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['ann'] });
    const ben = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['ben'] });
    const den = subscribe<ChannelEventResult>(client, 'channelEvents', CHANNEL_EVENTS, { channels: ['den'] });
    const both = subscribe<ChannelEventResult>(client, 'channelEvents', CHANNEL_EVENTS, { channels: ['den', 'kitchen'] });
    const overSse = subscribeSse<UserEventResult>(graphqlUrl, 'userEvents', USER_EVENTS, { usernames: ['ann', 'ben'] });
    await activeSubscriptions(server, 5);

    await control.signaling.login('ann');
    await control.signaling.login('ben');
    await control.signaling.join('ann', 'den');
    await control.signaling.join('ben', 'kitchen');
    await control.signaling.join('ben', 'elsewhere');
    await control.signaling.leave('ann', 'den');
    await control.signaling.logout('ann');

    const line = (e: UserEventResult | ChannelEventResult) => ('channel' in e ? `${e.type} ${e.user.username} ${e.channel}` : `${e.type} ${e.user.username}`);
    expect((await ann.waitFor(2)).map(line)).toEqual(['LOGIN ann', 'LOGOUT ann']);
    expect((await ben.waitFor(1)).map(line)).toEqual(['LOGIN ben']);
    expect((await den.waitFor(2)).map(line)).toEqual(['JOIN ann den', 'LEAVE ann den']);
    expect((await both.waitFor(3)).map(line)).toEqual(['JOIN ann den', 'JOIN ben kitchen', 'LEAVE ann den']);
    expect((await overSse.waitFor(3)).map(line)).toEqual(['LOGIN ann', 'LOGIN ben', 'LOGOUT ann']);
    // Once each: nothing more arrives over a few more polls.
    await settle();
    expect([ann, ben, den, both, overSse].map((s) => s.events().length)).toEqual([2, 1, 2, 3, 3]);
    // Every event has a cursor of its own.
    expect(new Set(overSse.events().map((e) => e.cursor)).size).toBe(3);
  });

  it("a burst of 5,000 events at once loses only what Agora's store dropped beyond its 2,000, and says so", async () => {
    const { graphqlUrl, control, server, run } = await startGatewayRunner({ ...LIVE_ENV, SUBSCRIBER_QUEUE_SIZE: '5000' });
    const client = wsClient(graphqlUrl);
    const burst = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['burst'] });
    await activeSubscriptions(server, 1);
    await control.signaling.churn('burst', 2500);
    const pending = await control.signaling.pendingEvents();
    expect(pending.droppedEvents).toBe(3000);
    const events = await burst.waitFor(2000);
    await settle();
    expect(burst.events()).toHaveLength(2000);
    // The store kept the newest 2,000: the last event is the last logout, and they alternate from a login.
    expect(events[0]!.type).toBe('LOGIN');
    expect(events.at(-1)!.type).toBe('LOGOUT');
    // The drain is known to have found the store full once a read comes back short (reads share 10/s with the rest of the poll).
    await expect.poll(() => server.events.pollerStats().upstreamStoreFull).toBe(1);
    const { eventPoller } = await run<{ eventPoller: { eventsPublished: number; upstreamStoreFull: number; possibleLosses: number } }>(
      '{ eventPoller { eventsPublished upstreamStoreFull possibleLosses } }',
    );
    // The poller drained a full store (2,000 in one go): Agora may have dropped older events, and it says so.
    expect(eventPoller.upstreamStoreFull).toBe(1);
    expect(eventPoller.possibleLosses).toBe(0);
    expect(eventPoller.eventsPublished).toBeGreaterThanOrEqual(2000);
  });

  it('counts a read that failed after Agora may have answered as a possible loss, and goes on', async () => {
    const { graphqlUrl, control, server, run } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    const fay = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['fay'] });
    await activeSubscriptions(server, 1);
    // Agora takes the events out of its store, then the answer is lost on the way.
    await control.addFault({ route: 'signaling.getUserEvents', reset: 'after', times: 1 });
    await control.signaling.login('fay');
    await expect.poll(async () => (await control.signaling.pendingEvents()).userEvents).toBe(0);
    await expect.poll(() => server.events.pollerStats().possibleLosses, { timeout: 10_000 }).toBe(1);
    const { eventPoller } = await run<{ eventPoller: { possibleLosses: number; lastError: string } }>('{ eventPoller { possibleLosses lastError } }');
    expect(eventPoller.possibleLosses).toBe(1);
    expect(eventPoller.lastError).toMatch(/may be lost/);
    // The read was not repeated blindly (it could only have returned the next events), and polling goes
    // on. The lost read held fay's login, or was empty if it came first: Agora cannot tell, nor can we.
    await control.signaling.logout('fay');
    await expect.poll(() => fay.events().at(-1)?.type, { timeout: 10_000 }).toBe('LOGOUT');
    expect(['LOGIN,LOGOUT', 'LOGOUT']).toContain(
      fay
        .events()
        .map((e) => e.type)
        .join(),
    );
  });

  it('a subscriber that disconnects and resubscribes with after gets every event it missed, once', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const first = wsClient(graphqlUrl);
    const before = subscribe<UserEventResult>(first, 'userEvents', USER_EVENTS, { usernames: ['cat'] });
    await activeSubscriptions(server, 1);
    await control.signaling.login('cat');
    const [login] = await before.waitFor(1);
    await first.dispose();
    await activeSubscriptions(server, 0);

    // Missed while away.
    await control.signaling.logout('cat');
    await control.signaling.login('cat');
    await expect.poll(async () => (await control.signaling.pendingEvents()).userEvents, { interval: 20 }).toBe(0);
    await settle();

    const second = wsClient(graphqlUrl);
    const after = subscribe<UserEventResult>(second, 'userEvents', USER_EVENTS, { usernames: ['cat'], after: login!.cursor });
    await after.waitFor(2);
    // Then live, with no gap.
    await control.signaling.logout('cat');
    const events = await after.waitFor(3);
    await settle();
    expect(after.events().map((e) => e.type)).toEqual(['LOGOUT', 'LOGIN', 'LOGOUT']);
    expect(new Set(events.map((e) => e.cursor)).size).toBe(3);
    expect(events.map((e) => e.cursor)).not.toContain(login!.cursor);
  });

  it('refuses filters Agora would not accept as ids, naming the argument, and starts nothing (the presence watcher, and membership checks, would send them to Agora)', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const client = wsClient(graphqlUrl);
    const refused = async (field: string, query: string, variables: Record<string, unknown>) => {
      const subscriber = subscribe(client, field, query, variables);
      await expect.poll(() => subscriber.error ?? subscriber.results[0]?.errors).toBeDefined();
      return ((subscriber.error ?? subscriber.results[0]?.errors) as { message: string; extensions?: Record<string, unknown> }[])[0]!;
    };
    const before = await requestCalls(control);
    const presence = await refused('presenceChanged', 'subscription ($u: [String!]!) { presenceChanged(usernames: $u) { online } }', {
      u: ['alice', 'Bad Name!'],
    });
    expect(presence.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^usernames/) });
    expect(presence.message).toMatch(/lowercase letters/);
    const users = await refused('userEvents', 'subscription ($u: [String!]) { userEvents(usernames: $u) { type } }', { u: ['a/b'] });
    expect(users.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^usernames/) });
    expect(users.message).toMatch(/which Agora does not allow/);
    const channels = await refused('channelEvents', 'subscription ($c: [String!]) { channelEvents(channels: $c) { type } }', { c: ['x'.repeat(65)] });
    expect(channels.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^channels/) });
    const sent = await refused('messageSent', 'subscription { messageSent(from: "a/b") { to } }', {});
    expect(sent.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const received = await refused('messageReceived', 'subscription { messageReceived(username: "Bad Name") { offline } }', {});
    expect(received.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'username' });
    const group = await refused('groupChanged', 'subscription { groupChanged(groupId: "no such id!") { change } }', {});
    expect(group.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groupId' });
    await activeSubscriptions(server, 0);
    expect(server.events.subscriberStats().subscribers).toBe(0);
    expect(await requestCalls(control)).toEqual(before);
  });

  it('refuses a cursor that is not one, and one older than the log, naming how far back the log reaches', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner({ ...LIVE_ENV, EVENT_LOG_SIZE: '100' });
    const client = wsClient(graphqlUrl);
    const garbage = subscribe(client, 'userEvents', USER_EVENTS, { after: 'not-a-cursor' });
    await expect.poll(() => garbage.results.length + (garbage.error ? 1 : 0)).toBeGreaterThan(0);
    expect(garbage.error ?? garbage.results[0]?.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }),
    ]);

    const all = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['dan'] });
    await activeSubscriptions(server, 1);
    await control.signaling.churn('dan', 100);
    const events = await all.waitFor(200);
    const stale = subscribe(client, 'userEvents', USER_EVENTS, { after: events[0]!.cursor });
    await expect.poll(() => (stale.error ? 1 : stale.results.length)).toBeGreaterThan(0);
    const [error] = (stale.error ?? stale.results[0]?.errors) as { message: string; extensions: Record<string, unknown> }[];
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', oldestCursor: expect.any(String) });
    expect(error!.message).toMatch(/older than the event log, which reaches back to/);
    // The cursor it names works.
    const resumed = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['dan'], after: error!.extensions.oldestCursor });
    expect((await resumed.waitFor(100)).length).toBe(100);
  });
});

describe('regions', () => {
  it('reads each configured region explicitly, and drops what a second region returns again', async () => {
    const emulator = leftover(createEmulator(), (e) => e.close());
    const us = await emulator.listen({ label: 'us', region: 'us' });
    const eu = await emulator.listen({ label: 'eu', region: 'eu' });
    const control = createEmulatorControl(us);
    // The duplication fault: every new event is stored in both regions, as Agora may return an event again from another region.
    await control.signaling.setEventRegions(['us', 'eu']);
    const { graphqlUrl, server } = await startGateway({ ...LIVE_ENV, AGORA_RETRY_UNIT_MS: '5', AGORA_RTM_EVENT_HOSTS: `${us},${eu}` }, { emulator });
    const client = wsClient(graphqlUrl);
    const eve = subscribe<UserEventResult>(client, 'userEvents', USER_EVENTS, { usernames: ['eve'] });
    await activeSubscriptions(server, 1);
    await control.signaling.login('eve');
    await control.signaling.logout('eve');
    await eve.waitFor(2);
    await expect.poll(async () => (await control.signaling.pendingEvents()).userEvents).toBe(0);
    await settle();
    expect(eve.events().map((e) => e.type)).toEqual(['LOGIN', 'LOGOUT']);
    expect(server.events.pollerStats().duplicatesDropped).toBe(2);
    expect(await control.callCount('signaling.getUserEvents', 'us')).toBeGreaterThan(0);
    expect(await control.callCount('signaling.getUserEvents', 'eu')).toBeGreaterThan(0);
  });
});
