import { describe, expect, it } from 'vitest';
import { AgoraBadRequestError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatOf, clientFor, startEmulator } from '../../helpers/agora.ts';
import { chatErrorEnvelope, chatFetch, userToken } from '../../helpers/chat.ts';

async function setup() {
  const t = await startEmulator();
  const client = clientFor(t.emulator);
  return { ...t, client, chat: chatOf(client) };
}

describe('Chat users', () => {
  it('registers, gets and deletes a user', async () => {
    const { chat } = await setup();
    const created = await chat.users.register({ username: 'alice', nickname: 'Alice' });
    expect(created).toMatchObject({ username: 'alice', nickname: 'Alice', activated: true, uuid: expect.any(String) });
    expect(await chat.users.get('alice')).toEqual(created);
    expect((await chat.users.delete('alice')).username).toBe('alice');
    const error = await chat.users.get('alice').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraNotFoundError);
    expect(error).toMatchObject({ agoraCode: 'service_resource_not_found', status: 404 });
  });

  it('refuses a taken username with duplicate_unique_property_exists', async () => {
    const { chat, emulator } = await setup();
    await chat.users.register({ username: 'bob' });
    const error = await chat.users.register({ username: 'bob' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraBadRequestError);
    expect(error).toMatchObject({ agoraCode: 'duplicate_unique_property_exists', status: 400 });
    const raw = await chatFetch(emulator, 'POST', '/users', { body: { username: 'bob' } });
    expect(raw.body).toEqual(chatErrorEnvelope('duplicate_unique_property_exists', /value of bob exists/));
  });

  it('registers many with partial success, and refuses more than 60 at once', async () => {
    const { chat, emulator, control } = await setup();
    await chat.users.register({ username: 'u1' });
    const result = await chat.users.registerMany([{ username: 'u1' }, { username: 'u2' }, { username: 'u3' }]);
    expect(result.created.map((u) => u.username)).toEqual(['u2', 'u3']);
    expect(result.failed).toEqual([{ username: 'u1', reason: 'the u1 already exists' }]);

    const tooMany = Array.from({ length: 61 }, (_, i) => ({ username: `x${i}` }));
    const error = await chat.users.registerMany(tooMany).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraInputError);
    expect((error as AgoraInputError).message).toMatch(/at most 60 users/);
    const before = await control.callCount('chat.users.register');
    const raw = await chatFetch(emulator, 'POST', '/users', { body: tooMany });
    expect(raw.status).toBe(400);
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', /At most 60 users/));
    expect(await control.callCount('chat.users.register')).toBe(before + 1);
  });

  it('pages through more than 1,000 users to the end, in registration order, with no repeats', async () => {
    const { chat } = await setup();
    const names = Array.from({ length: 1050 }, (_, i) => `user${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 60) await chat.users.registerMany(names.slice(i, i + 60).map((username) => ({ username })));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await chat.users.list({ limit: 100, cursor });
      seen.push(...page.items.map((u) => u.username));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(11);
    expect(seen).toEqual(names);
  });

  it('deletes users oldest first', async () => {
    const { chat } = await setup();
    await chat.users.registerMany(['a1', 'a2', 'a3'].map((username) => ({ username })));
    const first = await chat.users.deleteMany({ limit: 2 });
    expect(first.items.map((u) => u.username)).toEqual(['a1', 'a2']);
    expect(first.cursor).toBeDefined();
    const rest = await chat.users.deleteMany({ limit: 2 });
    expect(rest.items.map((u) => u.username)).toEqual(['a3']);
    expect(rest.cursor).toBeUndefined();
  });

  it('reports online state one and many, forces users offline, and bans them', async () => {
    const { chat, control, emulator } = await setup();
    await chat.users.registerMany(['ann', 'ben', 'cid'].map((username) => ({ username })));
    await control.chat.connect('ann');
    await control.chat.connect('ben');
    expect(await chat.users.status('ann')).toBe('online');
    expect(await chat.users.batchStatus(['ann', 'ben', 'cid'])).toEqual({ ann: 'online', ben: 'online', cid: 'offline' });
    expect(await chat.users.disconnect('ann')).toBe(true);
    expect(await chat.users.status('ann')).toBe('offline');
    // The overview's POST form of force-offline is served too.
    expect((await chatFetch(emulator, 'POST', '/users/ben/disconnect')).body).toMatchObject({ data: { result: true } });

    const banned = await chat.users.deactivate('cid');
    expect(banned.activated).toBe(false);
    await expect(control.chat.connect('cid')).rejects.toThrow(/banned/);
    await chat.users.activate('cid');
    await control.chat.connect('cid');
    expect(await chat.users.status('cid')).toBe('online');
  });

  it('refuses a batch status of more than 100 users, client-side and in the emulator', async () => {
    const { chat, emulator, control } = await setup();
    const many = Array.from({ length: 101 }, (_, i) => `p${i}`);
    await expect(chat.users.batchStatus(many)).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.users.batchStatus')).toBe(0);
    const raw = await chatFetch(emulator, 'POST', '/users/batch/status', { body: { usernames: many } });
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', /at most 100/));
  });

  it('sets the push nickname, display style and do-not-disturb', async () => {
    const { chat } = await setup();
    await chat.users.register({ username: 'dora' });
    await chat.users.setPushNickname({ username: 'dora', nickname: 'Dora D.' });
    await chat.users.setPushDisplayStyle({ username: 'dora', style: 'detail' });
    const after = await chat.users.setDoNotDisturb({ username: 'dora', enabled: true, startHour: 22, endHour: 7 });
    expect(after).toMatchObject({ nickname: 'Dora D.', push: { displayStyle: 'detail', doNotDisturb: { enabled: true, startHour: 22, endHour: 7 } } });
    expect(await chat.users.get('dora')).toEqual(after);
  });

  it.each([
    ['an uppercase letter', 'Alice'],
    ['a space', 'al ice'],
    ['65 characters', 'a'.repeat(65)],
    ['nothing', ''],
  ])('refuses a username with %s before any call, and the emulator refuses it too', async (_what, name) => {
    const { chat, control, emulator } = await setup();
    const error = await chat.users.register({ username: name }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraInputError);
    expect((error as AgoraInputError).issues[0]?.field).toBe('username');
    expect(await control.callCount('chat.users.register')).toBe(0);
    const raw = await chatFetch(emulator, 'POST', '/users', { body: { username: name } });
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', `${name} is not legal.`));
  });
});

describe('Chat auth and request envelopes', () => {
  it('renews the app token after a 401 and retries once', async () => {
    const { chat, control } = await setup();
    await chat.users.register({ username: 'tok' });
    await control.chat.expireTokens();
    expect((await chat.users.get('tok')).username).toBe('tok');
    // One refused call with the expired token, one with the renewed token.
    expect(await control.callCount('chat.users.get')).toBe(2);
    expect((await control.calls())['chat.users.get']?.byStatus).toEqual({ 200: 1, 401: 1 });
  });

  it('accepts only app tokens', async () => {
    const { emulator } = await setup();
    expect((await chatFetch(emulator, 'GET', '/users', { token: null })).body).toEqual(chatErrorEnvelope('unauthorized'));
    expect((await chatFetch(emulator, 'GET', '/users', { token: '007garbage' })).body).toEqual(
      chatErrorEnvelope('auth_bad_access_token', 'Unable to authenticate due to corrupt access token.'),
    );
    const asUser = await chatFetch(emulator, 'GET', '/users', { token: userToken(emulator, 'alice') });
    expect(asUser.status).toBe(401);
    expect(asUser.body.error_description).toMatch(/only app tokens/);
  });

  it('answers 415 to a body that is not JSON, 400 json_parse to broken JSON, 404 to an unknown app', async () => {
    const { emulator } = await setup();
    expect((await chatFetch(emulator, 'POST', '/users', { rawBody: 'username=x', contentType: 'text/plain' })).body).toEqual(
      chatErrorEnvelope('web_application', 'Unsupported Media Type.'),
    );
    expect((await chatFetch(emulator, 'POST', '/users', { rawBody: '{"username":' })).body).toEqual(chatErrorEnvelope('json_parse', 'Unexpected character.'));
    const res = await fetch(`${emulator.url}/no-org/no-app/users`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(chatErrorEnvelope('organization_application_not_found'));
  });

  it('answers with the success envelope Agora documents', async () => {
    const { emulator } = await setup();
    const res = await chatFetch(emulator, 'GET', '/users?limit=2');
    expect(res.body).toMatchObject({
      action: 'get',
      application: expect.any(String),
      applicationName: emulator.project.chatApp,
      organization: emulator.project.chatOrg,
      path: '/users',
      uri: expect.stringMatching(/\/users$/),
      params: { limit: ['2'] },
      entities: [],
      timestamp: expect.any(Number),
      duration: expect.any(Number),
      count: 0,
    });
  });

  it('answers 429 reach_limit past the documented rate (batch status: 50/s)', async () => {
    const { emulator } = await setup();
    const results = await Promise.all(Array.from({ length: 60 }, () => chatFetch(emulator, 'POST', '/users/batch/status', { body: { usernames: ['a'] } })));
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(10);
    expect(limited[0]?.body).toEqual(chatErrorEnvelope('reach_limit', 'This request has reached API limit.'));
  });
});
