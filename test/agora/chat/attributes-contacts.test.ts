import { describe, expect, it } from 'vitest';
import { AgoraForbiddenError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

describe('Chat user attributes', () => {
  it('sets (form-encoded), merges, reads, reads many and deletes attributes', async () => {
    const { chat, emulator } = await startChat(['ann', 'ben', 'cid']);
    expect(await chat.metadata.set({ username: 'ann', attributes: { nickname: 'Ann', avatarurl: 'https://x/a.png' } })).toEqual({
      nickname: 'Ann',
      avatarurl: 'https://x/a.png',
    });
    await chat.metadata.set({ username: 'ann', attributes: { sign: 'hi & bye = ok' } });
    expect(await chat.metadata.get('ann')).toEqual({ nickname: 'Ann', avatarurl: 'https://x/a.png', sign: 'hi & bye = ok' });
    await chat.metadata.set({ username: 'ben', attributes: { nickname: 'Ben' } });
    expect(await chat.metadata.getMany({ usernames: ['ann', 'ben', 'cid'], keys: ['nickname', 'sign'] })).toEqual({
      ann: { nickname: 'Ann', sign: 'hi & bye = ok' },
      ben: { nickname: 'Ben' },
      cid: {},
    });
    const capacity = await chat.metadata.capacity();
    expect(capacity).toBe(Buffer.byteLength('nicknameAnnavatarurlhttps://x/a.pngsignhi & bye = oknicknameBen'));
    expect(await chat.metadata.delete('ann')).toBe(true);
    expect(await chat.metadata.get('ann')).toEqual({});
    // Agora answers these with a bare envelope.
    expect(Object.keys((await chatFetch(emulator, 'GET', '/metadata/user/ben')).body).sort()).toEqual(['data', 'duration', 'timestamp']);
  });

  it('refuses more than 2 KB of attributes per user, client-side and in the emulator', async () => {
    const { chat, emulator, control } = await startChat(['ann']);
    // 'ext' plus 2,046 characters is 2,049 bytes: one over. (2,048 exactly is allowed.)
    const big = { ext: 'x'.repeat(2046) };
    await expect(chat.metadata.set({ username: 'ann', attributes: big })).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.metadata.set')).toBe(0);
    await chat.metadata.set({ username: 'ann', attributes: { ext: 'x'.repeat(2000) } });
    const res = await chatFetch(emulator, 'PUT', '/metadata/user/ann', {
      rawBody: `more=${'y'.repeat(100)}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(chatErrorEnvelope('illegal_argument', /exceed 2048 bytes/));
  });

  it('answers 415 to attributes sent as JSON: Agora takes them form-encoded', async () => {
    const { emulator } = await startChat(['ann']);
    const res = await chatFetch(emulator, 'PUT', '/metadata/user/ann', { body: { nickname: 'Ann' } });
    expect(res.body).toEqual(chatErrorEnvelope('web_application', 'Unsupported Media Type.'));
  });

  it('reads the attributes of at most 100 users per call', async () => {
    const { chat, emulator } = await startChat();
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`);
    await expect(chat.metadata.getMany({ usernames: many, keys: ['nickname'] })).rejects.toBeInstanceOf(AgoraInputError);
    const raw = await chatFetch(emulator, 'POST', '/metadata/user/get', { body: { targets: many, properties: ['nickname'] } });
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', /at most 100/));
  });
});

describe('Chat contacts and blocks', () => {
  it('adds, lists and removes contacts', async () => {
    const { chat } = await startChat(['ann', 'ben', 'cid']);
    await chat.contacts.add({ owner: 'ann', user: 'ben' });
    await chat.contacts.add({ owner: 'ann', user: 'cid' });
    expect(await chat.contacts.list('ann')).toEqual(['ben', 'cid']);
    await chat.contacts.remove({ owner: 'ann', user: 'ben' });
    expect(await chat.contacts.list('ann')).toEqual(['cid']);
    await expect(chat.contacts.add({ owner: 'ann', user: 'nobody' })).rejects.toBeInstanceOf(AgoraNotFoundError);
  });

  it('blocks and unblocks; a block request with a missing user fails as a whole', async () => {
    const { chat } = await startChat(['ann', 'ben', 'cid']);
    expect(await chat.contacts.block({ owner: 'ann', users: ['ben', 'cid'] })).toEqual(['ben', 'cid']);
    expect(await chat.contacts.listBlocked('ann')).toEqual(['ben', 'cid']);
    await chat.contacts.unblock({ owner: 'ann', user: 'ben' });
    expect(await chat.contacts.listBlocked('ann')).toEqual(['cid']);
    await expect(chat.contacts.block({ owner: 'ann', users: ['ben', 'ghost'] })).rejects.toBeInstanceOf(AgoraNotFoundError);
    expect(await chat.contacts.listBlocked('ann')).toEqual(['cid']);
  });

  it('keeps at most 500 blocked users', async () => {
    const users = Array.from({ length: 501 }, (_, i) => `b${i}`);
    const { chat } = await startChat(['owner', ...users]);
    await chat.contacts.block({ owner: 'owner', users: users.slice(0, 500) });
    const error = await chat.contacts.block({ owner: 'owner', users: [users[500]!] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraForbiddenError);
    expect(error).toMatchObject({ agoraCode: 'exceed_limit' });
  });
});
