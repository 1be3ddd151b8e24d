import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chatCallbackSignature } from '../../src/callbacks/signature.ts';
import { agoraEnvironment, startEmulator } from '../helpers/agora.ts';
import { TEST_API_KEY_HASH, tokenFor } from '../helpers/auth.ts';
import { startGateway, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';
import { startRedis } from '../helpers/redis.ts';

const SECRET = 'a-console-rule-secret';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** A message callback as the notes document it, signed with `secret` (computed here, independently). */
function messageCallback(overrides: Record<string, unknown> = {}, secret = SECRET) {
  const body = {
    callId: `org#app_${Math.random().toString(36).slice(2)}`,
    eventType: 'chat',
    timestamp: Date.now(),
    chat_type: 'chat',
    from: 'alice',
    to: 'bob',
    msg_id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
    payload: { bodies: [{ type: 'txt', msg: 'hello from an SDK' }], ext: {} },
    securityVersion: '1.0.0',
    ...overrides,
  };
  return { ...body, security: md5(`${body.callId}${secret}${body.timestamp}`) };
}

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const callbackUrl = (graphqlUrl: string) => new URL('/agora/chat/callbacks', graphqlUrl).href;

const RECEIVED =
  'subscription ($u: String) { messageReceived(username: $u) { cursor offline message { messageId sender { username } conversation body { ... on TextBody { text } } } } }';

describe('the signature of Agora Chat callbacks', () => {
  it('is md5(callId + secret + timestamp): the worked example of the notes', () => {
    const callId = 'easemob-demo#test_0990a64f-0000-0000-8696-cf3b48b20e7e';
    expect(chatCallbackSignature(callId, 'mysecret', 1600060847294)).toBe('1f1eb71a592f9f6658f11461f4de8606');
    expect(chatCallbackSignature(callId, 'mysecret', 1600060847294)).toBe(md5(`${callId}mysecret1600060847294`));
  });
});

describe('the callback receiver', () => {
  it('accepts a signed callback and refuses it when callId, timestamp or security is changed, or it is stale or unsigned; refused ones reach no one', async () => {
    const { graphqlUrl, server } = await startGateway({ CHAT_CALLBACK_SECRETS: `other-rule-secret,${SECRET}`, CHAT_CALLBACK_MAX_AGE_MS: '60000' });
    const bob = subscribe<{ message: { messageId: string } }>(wsClient(graphqlUrl, { token: await tokenFor('bob') }), 'messageReceived', RECEIVED, {
      u: 'bob',
    });
    await activeSubscriptions(server, 1);
    const good = messageCallback();
    for (const forged of [
      { ...good, callId: `${good.callId}x` },
      { ...good, timestamp: good.timestamp + 1 },
      { ...good, security: md5('anything') },
      messageCallback({}, 'a-guessed-secret'),
      messageCallback({ timestamp: Date.now() - 120_000 }),
      (({ security: _s, ...rest }) => rest)(good),
    ]) {
      expect((await post(callbackUrl(graphqlUrl), forged)).status).toBe(401);
    }
    const accepted = await post(callbackUrl(graphqlUrl), good);
    expect(accepted.status).toBe(200);
    expect((await accepted.text()).length).toBeLessThanOrEqual(1000);
    const [event] = await bob.waitFor(1);
    expect(event!.message.messageId).toBe(good.msg_id);
    expect(server.callbacks.stats()).toMatchObject({ refused: 6, published: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bob.events()).toHaveLength(1);
  });

  it('delivers a retried callback once, and keeps a body of an undocumented shape out, counted', async () => {
    const { graphqlUrl, server } = await startGateway({ CHAT_CALLBACK_SECRETS: SECRET });
    const bob = subscribe(wsClient(graphqlUrl, { token: await tokenFor('bob') }), 'messageReceived', RECEIVED, { u: 'bob' });
    await activeSubscriptions(server, 1);
    const callback = messageCallback();
    expect((await post(callbackUrl(graphqlUrl), callback)).status).toBe(200);
    expect((await post(callbackUrl(graphqlUrl), callback)).status).toBe(200);
    const drift = { callId: 'org#app_drift', timestamp: Date.now(), something: 'new' };
    expect((await post(callbackUrl(graphqlUrl), { ...drift, security: md5(`${drift.callId}${SECRET}${drift.timestamp}`) })).status).toBe(200);
    await bob.waitFor(1);
    await expect.poll(() => server.callbacks.stats()).toMatchObject({ duplicates: 1, drift: 1, published: 1 });
    expect(bob.events()).toHaveLength(1);
  });
});

describe('group and room operations from callbacks', () => {
  it("a muc callback reaches groupChanged, marked as a callback's", async () => {
    const { graphqlUrl, server, run } = await startGatewayRunner({ CHAT_CALLBACK_SECRETS: SECRET });
    const { user } = await run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
      '{ user(username: "alice") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
    );
    const groupId = user.joinedGroups.edges[0]!.node.groupId;
    const changes = subscribe<{ change: string; users: { username: string }[]; source: string }>(
      wsClient(graphqlUrl, { token: await tokenFor('carol') }),
      'groupChanged',
      `subscription { groupChanged(groupId: "${groupId}") { change users { username } source } }`,
    );
    await activeSubscriptions(server, 1);
    const body = {
      callId: 'org#app_muc1',
      timestamp: Date.now(),
      chat_type: 'muc',
      from: 'erin',
      to: groupId,
      payload: { muc_id: `org#app_${groupId}@conference.easemob.com`, operation: 'presence', is_chatroom: false },
    };
    expect((await post(callbackUrl(graphqlUrl), { ...body, security: md5(`${body.callId}${SECRET}${body.timestamp}`) })).status).toBe(200);
    expect(await changes.waitFor(1)).toEqual([{ change: 'MEMBERS_ADDED', users: [{ username: 'erin' }], source: 'CALLBACK' }]);
  });
});

describe('callbacks from the emulator, in emulator mode', () => {
  it('a message a simulated SDK client sends reaches exactly the subscribers allowed to see it, once, as a Message', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner();
    const forBob = subscribe<{ offline: boolean; message: { sender: { username: string }; conversation: string; body: { text: string } } }>(
      wsClient(graphqlUrl, { token: await tokenFor('bob') }),
      'messageReceived',
      RECEIVED,
      { u: 'bob' },
    );
    const forCarol = subscribe(wsClient(graphqlUrl, { token: await tokenFor('carol') }), 'messageReceived', RECEIVED, { u: 'carol' });
    const snooping = subscribe(wsClient(graphqlUrl, { token: await tokenFor('erin') }), 'messageReceived', RECEIVED, { u: 'bob' });
    await activeSubscriptions(server, 2);
    await expect
      .poll(() => snooping.error ?? snooping.results[0]?.errors)
      .toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    await control.chat.send('alice', { to: 'bob', text: 'first' });
    await control.chat.send('alice', { to: 'bob', text: 'second' });
    const events = await forBob.waitFor(2);
    expect(events.map((e) => [e.message.sender.username, e.message.conversation, e.message.body.text])).toEqual([
      ['alice', 'USER', 'first'],
      ['alice', 'USER', 'second'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(forBob.events()).toHaveLength(2);
    expect(forCarol.events()).toEqual([]);
    expect(await control.chat.callbackStats()).toMatchObject({ delivered: expect.any(Number), dropped: 0 });
  });

  it('a simulated login reaches userStatusChanged', async () => {
    const { graphqlUrl, control, server } = await startGatewayRunner();
    const status = subscribe<{ status: string; reason: string; user: { username: string } }>(
      wsClient(graphqlUrl, { token: await tokenFor('alice') }),
      'userStatusChanged',
      'subscription { userStatusChanged(usernames: ["bob"]) { status reason source user { username } } }',
    );
    await activeSubscriptions(server, 1);
    await control.chat.connect('bob');
    await control.chat.disconnect('bob');
    expect(await status.waitFor(2)).toEqual([
      { status: 'ONLINE', reason: 'LOGIN', source: 'CALLBACK', user: { username: 'bob' } },
      { status: 'OFFLINE', reason: 'LOGOUT', source: 'CALLBACK', user: { username: 'bob' } },
    ]);
  });

  it('the emulator sends a rule only the events it asks for', async () => {
    const { emulator, control } = await startEmulator();
    for (const name of ['alice', 'bob']) emulator.state.chat.addUser(name, { nickname: name });
    const { graphqlUrl, server } = await startGateway({ CHAT_CALLBACK_SECRETS: SECRET }, { emulator });
    await control.chat.setCallbackRules([{ url: callbackUrl(graphqlUrl), secret: SECRET, events: ['status'] }]);
    await control.chat.send('alice', { to: 'bob', text: 'not for this rule' });
    await control.chat.connect('bob');
    await expect.poll(() => server.callbacks.stats().received).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.callbacks.stats().received).toBe(1);
  });

  it('the emulator retries a failed callback once, then drops it and counts it, as Agora does', async () => {
    const { emulator, control } = await startEmulator();
    for (const name of ['alice', 'bob']) emulator.state.chat.addUser(name, { nickname: name });
    await control.chat.setCallbackRules([{ url: 'http://127.0.0.1:9/nowhere', secret: SECRET }]);
    await control.chat.send('alice', { to: 'bob', text: 'into the void' });
    await expect.poll(async () => (await control.chat.callbackStats()).dropped).toBe(1);
    expect(await control.chat.callbackStats()).toMatchObject({ delivered: 0, retried: 1, dropped: 1 });
  });
});

describe('callbacks and several instances', () => {
  it('a callback received by either instance reaches subscribers on both, once', async () => {
    const redis = await startRedis();
    const { emulator } = await startEmulator();
    const env = { ...agoraEnvironment(emulator), REDIS_URL: redis.url, CHAT_CALLBACK_SECRETS: SECRET, AUTH_API_KEY_HASHES: TEST_API_KEY_HASH };
    const [a, b] = [await startGateway(env), await startGateway(env)];
    const onA = subscribe(wsClient(a.graphqlUrl, { token: await tokenFor('bob') }), 'messageReceived', RECEIVED, { u: 'bob' });
    const onB = subscribe(wsClient(b.graphqlUrl, { token: await tokenFor('bob') }), 'messageReceived', RECEIVED, { u: 'bob' });
    await activeSubscriptions(a.server, 1);
    await activeSubscriptions(b.server, 1);
    const callback = messageCallback();
    // Agora's retry lands on the other instance: still one delivery.
    expect((await post(callbackUrl(a.graphqlUrl), callback)).status).toBe(200);
    expect((await post(callbackUrl(b.graphqlUrl), callback)).status).toBe(200);
    await onA.waitFor(1);
    await onB.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([onA.events().length, onB.events().length]).toEqual([1, 1]);
  });
});
