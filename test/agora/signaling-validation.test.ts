import { describe, expect, it } from 'vitest';
import { AgoraInputError } from '../../src/agora/errors.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const KB32 = 32 * 1024;
const hour = 3600_000;
const window = { startTime: new Date(Date.now() - hour), endTime: new Date(Date.now() + hour) };

/** Seed 001's id character set: letters, digits, space and these punctuation characters. */
const ALLOWED_PUNCTUATION = "!#$%&()+-:;<=.>?@[]^_{}|~,'";

describe('the client refuses bad input before any upstream call', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an empty sender', { from: '', to: 'bob', payload: 'x' }, 'from'],
    ['a 65-character sender', { from: 'a'.repeat(65), to: 'bob', payload: 'x' }, 'from'],
    ['a receiver with a slash', { from: 'alice', to: 'bo/b', payload: 'x' }, 'to'],
    ['a receiver with a non-ASCII letter', { from: 'alice', to: 'bøb', payload: 'x' }, 'to'],
    ['a sender with a leading space (it goes in the URL)', { from: ' alice', to: 'bob', payload: 'x' }, 'from'],
    ['a sender with a trailing space', { from: 'alice ', to: 'bob', payload: 'x' }, 'from'],
    ['an empty payload', { from: 'alice', to: 'bob', payload: '' }, 'payload'],
    ['a payload one byte over 32 KB', { from: 'alice', to: 'bob', payload: 'x'.repeat(KB32 + 1) }, 'payload'],
    ['a payload over 32 KB in UTF-8 bytes though not in characters', { from: 'alice', to: 'bob', payload: 'é'.repeat(KB32 / 2 + 1) }, 'payload'],
    ['a payload that is not a string', { from: 'alice', to: 'bob', payload: 42 }, 'payload'],
  ];

  it.each(cases)('peer message: %s', async (_name, input, field) => {
    const { emulator, control } = await startEmulator();
    const error = await clientFor(emulator)
      .signaling.sendPeerMessage(input as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraInputError);
    expect((error as AgoraInputError).issues[0]?.field).toBe(field);
    expect((error as AgoraInputError).message).toMatch(new RegExp(`^Invalid ${field}: `));
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(0);
  });

  it('channel message: a channel name over 64 characters and a bad character', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    for (const channel of ['c'.repeat(65), 'lob*by', '']) {
      const error = await signaling.sendChannelMessage({ from: 'alice', channel, payload: 'x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgoraInputError);
      expect((error as AgoraInputError).issues[0]?.field).toBe('channel');
    }
    expect(await control.callCount('signaling.sendChannelMessage')).toBe(0);
  });

  it('history: no source nor destination, an end before the start, a page size Agora does not offer', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    const bad: [Record<string, unknown>, string][] = [
      [{ ...window }, 'destination'],
      [{ destination: 'bob', startTime: window.endTime, endTime: window.startTime }, 'endTime'],
      [{ destination: 'bob', ...window, limit: 30 }, 'limit'],
      [{ destination: 'bob', startTime: 'yesterday', endTime: window.endTime }, 'startTime'],
      [{ destination: 'bob', ...window, offset: -1 }, 'offset'],
    ];
    for (const [input, field] of bad) {
      const error = await signaling.queryHistory(input as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(AgoraInputError);
      expect((error as AgoraInputError).issues.map((i) => i.field)).toContain(field);
    }
    const countError = await signaling.countHistory({ ...window }).catch((e: unknown) => e);
    expect(countError).toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('signaling.queryHistory')).toBe(0);
    expect(await control.callCount('signaling.countHistory')).toBe(0);
  });

  it('accepts the limits exactly: 64-character ids, every allowed character, a 32 KB payload', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.signaling.login(ALLOWED_PUNCTUATION);
    const result = await signaling.sendPeerMessage({ from: 'a'.repeat(64), to: ALLOWED_PUNCTUATION, payload: 'x'.repeat(KB32), waitForAck: true });
    expect(result.status).toBe('delivered');
    await signaling.sendPeerMessage({ from: 'Mixed Case 09', to: ' spaced receiver ', payload: 'ok' });
    const inbox = await control.signaling.inbox(ALLOWED_PUNCTUATION);
    expect(inbox.messages[0]?.from).toBe('a'.repeat(64));
    expect(inbox.messages[0]?.payload).toHaveLength(KB32);
  });
});

describe('the emulator validates requests as Agora documents', () => {
  async function post(url: string, path: string, body: unknown, appId: string, auth: string) {
    const res = await fetch(`${url}/dev/v2/project/${appId}${path}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json;charset=utf-8' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it.each([
    ['a 65-character user_id in the URL', `/rtm/users/${'u'.repeat(65)}/peer_messages`, { destination: 'bob', payload: 'x' }, 'user_id'],
    ['a user_id with a leading space', '/rtm/users/%20alice/peer_messages', { destination: 'bob', payload: 'x' }, 'user_id'],
    ['a missing destination', '/rtm/users/alice/peer_messages', { payload: 'x' }, 'destination'],
    ['a destination with a bad character', '/rtm/users/alice/peer_messages', { destination: 'b\\ob', payload: 'x' }, 'destination'],
    ['an empty payload', '/rtm/users/alice/peer_messages', { destination: 'bob', payload: '' }, 'payload'],
    ['a payload over 32 KB', '/rtm/users/alice/peer_messages', { destination: 'bob', payload: 'x'.repeat(KB32 + 1) }, 'payload'],
    ['a channel name over 64 characters', '/rtm/users/alice/channel_messages', { channel_name: 'c'.repeat(65), payload: 'x' }, 'channel_name'],
    ['a body that is not JSON', '/rtm/users/alice/channel_messages', '{not json', 'request'],
    [
      'a history filter with neither source nor destination',
      '/rtm/message/history/query',
      { filter: { start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-02T00:00:00Z' } },
      'filter.destination',
    ],
    [
      'a history time with an offset',
      '/rtm/message/history/query',
      { filter: { destination: 'b', start_time: '2026-01-01T00:00:00+01:00', end_time: '2026-01-02T00:00:00Z' } },
      'filter.start_time',
    ],
    [
      'a history page size of 30',
      '/rtm/message/history/query',
      { filter: { destination: 'b', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-02T00:00:00Z' }, limit: 30 },
      'limit',
    ],
  ])('answers 400 for %s', async (_name, path, body, field) => {
    const { emulator, control } = await startEmulator();
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    await control.signaling.login('bob');
    const res = await post(emulator.url, path, body, emulator.project.appId, auth);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ result: 'failed', request_id: expect.stringMatching(/^\d+$/) });
    expect(res.body.message).toMatch(new RegExp(`^Invalid ${field.replace('.', '\\.')}: `));
    expect((await control.signaling.inbox('bob')).messages).toEqual([]);
  });

  it('answers 404 for an unknown app id and 405 for a wrong method', async () => {
    const { emulator } = await startEmulator();
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    const unknown = await post(emulator.url, '/rtm/users/alice/peer_messages', { destination: 'b', payload: 'x' }, 'f'.repeat(32), auth);
    expect(unknown.status).toBe(404);
    const wrong = await fetch(`${emulator.url}/dev/v2/project/${emulator.project.appId}/rtm/users/alice/peer_messages`, { headers: { authorization: auth } });
    expect(wrong.status).toBe(405);
  });
});
