/**
 * How a subscription's events are executed (src/execution/live-execution.ts): one result per event, variables
 * checked before anything starts, and a subscription that ends however its client leaves.
 */
import { describe, expect, it } from 'vitest';
import { startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { requestCalls } from '../helpers/agora.ts';
import { authHeaders, tokenFor } from '../helpers/auth.ts';
import { activeSubscriptions, subscribe, subscribeSse } from '../helpers/live.ts';

const LIVE_ENV = { EVENT_POLL_INTERVAL_MS: '20', PRESENCE_POLL_INTERVAL_MS: '50' };
const USER_EVENTS = 'subscription ($usernames: [String!]) { userEvents(usernames: $usernames) { type user { username } } }';

describe('subscription events, executed one by one', () => {
  it('each event is one result with its data, over graphql-ws and SSE, in order', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const overWs = subscribe(wsClient(graphqlUrl), 'userEvents', USER_EVENTS, { usernames: ['eve'] });
    const overSse = subscribeSse(graphqlUrl, 'userEvents', USER_EVENTS, { usernames: ['eve'] });
    await activeSubscriptions(server, 2);
    await control.signaling.login('eve');
    await control.signaling.logout('eve');
    for (const subscriber of [overWs, overSse]) {
      await subscriber.waitFor(2);
      // Nothing of incremental delivery (hasNext, incremental): a plain result per event.
      expect(subscriber.results).toEqual([
        { data: { userEvents: { type: 'LOGIN', user: { username: 'eve' } } } },
        { data: { userEvents: { type: 'LOGOUT', user: { username: 'eve' } } } },
      ]);
    }
  });

  it('refuses variables of the wrong type as BAD_USER_INPUT, over graphql-ws and SSE, and starts nothing', async () => {
    const { graphqlUrl, server } = await startGatewayRunner(LIVE_ENV);
    const overWs = subscribe(wsClient(graphqlUrl), 'userEvents', USER_EVENTS, { usernames: 5 });
    await expect.poll(() => overWs.error ?? overWs.results[0]).toBeDefined();
    const wsErrors = (overWs.error ?? overWs.results[0]?.errors) as { message: string; extensions?: Record<string, unknown> }[];
    // As a query's bad variable is answered (test/schema/request-errors.test.ts): named, before any event or Agora call.
    const refused = {
      message: expect.stringMatching(/^Variable "\$usernames" got invalid value 5; String cannot represent/),
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', variable: 'usernames' }),
    };
    expect(wsErrors).toEqual([expect.objectContaining(refused)]);
    // HTTP's status is for HTTP: a socket's answer leaves it out, as yoga's HTTP answers do.
    expect(wsErrors[0]!.extensions).not.toHaveProperty('http');

    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query: USER_EVENTS, variables: { usernames: 5 } }),
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    const data = body.split('\n').find((line) => line.startsWith('data: {'));
    expect((JSON.parse(data!.slice(6)) as { errors: unknown[] }).errors).toEqual([expect.objectContaining(refused)]);
    await activeSubscriptions(server, 0);
  });

  it('ends the subscription when its client goes: an SSE request aborted, a graphql-ws subscription completed', async () => {
    const { graphqlUrl, server } = await startGatewayRunner(LIVE_ENV);
    const overSse = subscribeSse(graphqlUrl, 'userEvents', USER_EVENTS, { usernames: ['eve'] });
    const overWs = subscribe(wsClient(graphqlUrl), 'userEvents', USER_EVENTS, { usernames: ['eve'] });
    await activeSubscriptions(server, 2);
    overSse.stop();
    await activeSubscriptions(server, 1);
    overWs.stop();
    await activeSubscriptions(server, 0);
    // And the feeds behind them are gone from the event pipeline.
    expect(server.events.subscriberStats().subscribers).toBe(0);
  });
});

describe('an event executed once per shape of subscription', () => {
  const WITH_ONLINE = 'subscription ($usernames: [String!]) { userEvents(usernames: $usernames) { type user { username online } } }';

  it('subscribers of one operation and audience share one execution, whatever events their arguments chose: one upstream read for all', async () => {
    // Without the cross-request cache, each execution would read the online status itself.
    const { graphqlUrl, control, server } = await startGatewayRunner({ ...LIVE_ENV, SHARED_READS: 'off' });
    const client = wsClient(graphqlUrl);
    const subscribers = [['eve'], ['eve', 'frank'], ['frank', 'eve']].map((usernames) => subscribe(client, 'userEvents', WITH_ONLINE, { usernames }));
    await activeSubscriptions(server, 3);
    const before = await requestCalls(control);
    await control.signaling.login('eve');
    for (const subscriber of subscribers) expect(await subscriber.waitFor(1)).toEqual([{ type: 'LOGIN', user: { username: 'eve', online: false } }]);
    const after = await requestCalls(control);
    const reads = Object.entries(after).filter(([route, n]) => n !== (before[route] ?? 0));
    expect(reads).toHaveLength(1);
    expect(reads[0]![1] - (before[reads[0]![0]] ?? 0)).toBe(1);
  });

  it('variables the selection reads keep subscribers apart', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const query =
      'subscription ($usernames: [String!], $withUser: Boolean!) { userEvents(usernames: $usernames) { type user @include(if: $withUser) { username } } }';
    const client = wsClient(graphqlUrl);
    const withUser = subscribe(client, 'userEvents', query, { usernames: ['eve'], withUser: true });
    const without = subscribe(client, 'userEvents', query, { usernames: ['eve'], withUser: false });
    await activeSubscriptions(server, 2);
    await control.signaling.login('eve');
    expect(await withUser.waitFor(1)).toEqual([{ type: 'LOGIN', user: { username: 'eve' } }]);
    expect(await without.waitFor(1)).toEqual([{ type: 'LOGIN' }]);
  });

  it('audiences keep subscribers apart: what one viewer may read is not answered to another', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const query = 'subscription { userEvents(usernames: ["alice"]) { type user { username offlineMessageCount } } }';
    // A moderator may watch alice but not read her waiting messages (self only); alice may.
    const moderator = subscribe(wsClient(graphqlUrl, { token: await tokenFor('mod', ['moderator']) }), 'userEvents', query);
    const alice = subscribe(wsClient(graphqlUrl, { token: await tokenFor('alice') }), 'userEvents', query);
    await activeSubscriptions(server, 2);
    // alice is signed in to Signaling in the demo data.
    await control.signaling.logout('alice');
    expect(await alice.waitFor(1)).toEqual([{ type: 'LOGOUT', user: { username: 'alice', offlineMessageCount: expect.any(Number) } }]);
    await expect.poll(() => moderator.results.length).toBe(1);
    expect(moderator.results[0]!.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it('viewers of one kind and roles share an answer that did not read who they are, and only that', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    const [alice, bob] = [await tokenFor('alice', ['user', 'moderator']), await tokenFor('bob', ['user', 'moderator'])];
    // Moderators may watch anyone: two users, one event, an answer that reads nobody's identity.
    const online = [alice, bob].map((token) => subscribe(wsClient(graphqlUrl, { token }), 'userEvents', WITH_ONLINE, { usernames: ['eve'] }));
    // Waiting messages are the user's own (self): alice's answer is hers, bob is refused.
    const waiting = 'subscription { userEvents(usernames: ["alice"]) { type user { username offlineMessageCount } } }';
    const [hers, his] = [alice, bob].map((token) => subscribe(wsClient(graphqlUrl, { token }), 'userEvents', waiting));
    await activeSubscriptions(server, 4);
    const before = await requestCalls(control);
    await control.signaling.login('eve');
    for (const subscriber of online) expect(await subscriber.waitFor(1)).toEqual([{ type: 'LOGIN', user: { username: 'eve', online: false } }]);
    const after = await requestCalls(control);
    expect(Object.entries(after).reduce((n, [route, calls]) => n + calls - (before[route] ?? 0), 0)).toBe(1);

    await control.signaling.logout('alice');
    expect(await hers!.waitFor(1)).toEqual([{ type: 'LOGOUT', user: { username: 'alice', offlineMessageCount: expect.any(Number) } }]);
    await expect.poll(() => his!.results.length).toBe(1);
    expect(his!.results[0]!.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it('signed-in users with no role beyond user share too: a channel event reaches everyone in the channel from one execution', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner(LIVE_ENV);
    for (const username of ['alice', 'bob']) await control.signaling.join(username, 'den');
    await expect.poll(() => server.events.channels.isIn('alice', 'den') && server.events.channels.isIn('bob', 'den')).toBe(true);
    const query = 'subscription { channelEvents(channels: ["den"]) { type channel user { username online } } }';
    const members = [await tokenFor('alice'), await tokenFor('bob')].map((token) => subscribe(wsClient(graphqlUrl, { token }), 'channelEvents', query));
    await activeSubscriptions(server, 2);
    const before = await requestCalls(control);
    await control.signaling.join('carol', 'den');
    const [first, second] = [await members[0]!.waitFor(1), await members[1]!.waitFor(1)];
    expect(first).toEqual([{ type: 'JOIN', channel: 'den', user: { username: 'carol', online: expect.any(Boolean) } }]);
    expect(second).toEqual(first);
    const after = await requestCalls(control);
    expect(Object.entries(after).reduce((n, [route, calls]) => n + calls - (before[route] ?? 0), 0)).toBe(1);
  });
});
