import { describe, expect, it } from 'vitest';
import { AgoraForbiddenError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

describe('Chat presence', () => {
  it('reports presence set by the API and by simulated clients, for up to 100 users at once', async () => {
    const { chat, control } = await startChat(['ann', 'ben', 'cid', 'dan']);
    expect(await chat.presence.set({ username: 'ann', resource: 'ios_1', status: 'busy', ext: 'in a meeting' })).toBe(true);
    await control.chat.connect('ben');
    await control.chat.setPresence('cid', { status: 'away', ext: 'lunch' });
    const [ann, ben, cid, dan] = await chat.presence.getMany({ username: 'dan', users: ['ann', 'ben', 'cid', 'dan'] });
    expect(ann).toMatchObject({ username: 'ann', devices: { ios_1: 'busy' }, ext: 'in a meeting', online: false });
    expect(ann!.lastChangedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(ben).toMatchObject({ username: 'ben', online: true, devices: { emulator_1: '1' } });
    expect(cid).toMatchObject({ devices: { emulator: 'away' }, ext: 'lunch' });
    expect(dan).toMatchObject({ username: 'dan', devices: {}, online: false });
    await control.chat.disconnect('ben');
    expect((await chat.presence.getMany({ username: 'dan', users: ['ben'] }))[0]?.online).toBe(false);
  });

  it('subscribes, lists and unsubscribes; nobody subscribes to themselves', async () => {
    const { chat, emulator } = await startChat(['ann', 'ben', 'cid']);
    const subscribed = await chat.presence.subscribe({ username: 'ann', users: ['ben', 'cid'], expirySeconds: 3600 });
    expect(subscribed.map((p) => p.username)).toEqual(['ben', 'cid']);
    expect(subscribed[0]!.expiresAt).toBeGreaterThan(Date.now() + 3500_000);
    const list = await chat.presence.subscriptions({ username: 'ann' });
    expect(list.total).toBe(2);
    expect(list.items.map((s) => s.username)).toEqual(['ben', 'cid']);
    expect(await chat.presence.unsubscribe({ username: 'ann', users: ['ben'] })).toBe(true);
    expect((await chat.presence.subscriptions({ username: 'ann' })).items.map((s) => s.username)).toEqual(['cid']);
    await expect(chat.presence.subscribe({ username: 'ann', users: ['ann'], expirySeconds: 60 })).rejects.toBeInstanceOf(AgoraInputError);
    const raw = await chatFetch(emulator, 'POST', '/users/ann/presence/60', { body: { usernames: ['ann'] } });
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', "you can't sub yourself"));
  });

  it('refuses an ext over 1 KB, more than 100 users and expiries over 30 days', async () => {
    const { chat, emulator, control } = await startChat(['ann']);
    await expect(chat.presence.set({ username: 'ann', resource: 'r', status: '1', ext: 'x'.repeat(1025) })).rejects.toBeInstanceOf(AgoraInputError);
    const users = Array.from({ length: 101 }, (_, i) => `u${i}`);
    await expect(chat.presence.getMany({ username: 'ann', users })).rejects.toBeInstanceOf(AgoraInputError);
    await expect(chat.presence.subscribe({ username: 'ann', users: ['b'], expirySeconds: 2_592_001 })).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.presence.getMany')).toBe(0);
    expect((await chatFetch(emulator, 'POST', '/users/ann/presence/r/1', { body: { ext: 'x'.repeat(1025) } })).body).toEqual(
      chatErrorEnvelope('illegal_argument', 'ext is too big'),
    );
    expect((await chatFetch(emulator, 'POST', '/users/ann/presence', { body: { usernames: users } })).body).toEqual(
      chatErrorEnvelope('illegal_argument', /too many get presences/),
    );
  });
});

describe('Chat global mutes', () => {
  it('mutes per scope for a duration, blocks sends in that scope, lists and unmutes', async () => {
    const { chat } = await startChat(['ann', 'ben']);
    expect(await chat.mutes.set({ username: 'ann', chat: 100, groupchat: -1 })).toBe(true);
    expect(await chat.mutes.get('ann')).toEqual({ username: 'ann', chat: 100, groupchat: -1, chatroom: 0 });
    await expect(chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'x' } })).rejects.toBeInstanceOf(AgoraForbiddenError);
    expect((await chat.mutes.list()).items).toEqual([{ username: 'ann', chat: 100, groupchat: -1, chatroom: 0 }]);
    await chat.mutes.set({ username: 'ann', chat: 0, groupchat: 0 });
    expect((await chat.mutes.list()).items).toEqual([]);
    expect(Object.keys(await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'x' } }))).toEqual(['ben']);
    await expect(chat.mutes.set({ username: 'ann' })).rejects.toBeInstanceOf(AgoraInputError);
  });
});

describe('Chat reactions', () => {
  it('reacts, lists by message ids, details who reacted, and deletes', async () => {
    const { chat } = await startChat(['ann', 'ben', 'cid', 'out']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann', members: ['ben', 'cid'] });
    const msg = (await chat.messages.send({ from: 'ann', to: { groups: [group] }, body: { type: 'text', text: 'vote' } }))[group]!;
    for (const u of ['ann', 'ben', 'cid']) await chat.reactions.create({ username: u, messageId: msg, reaction: 'thumbs_up' });
    await chat.reactions.create({ username: 'ben', messageId: msg, reaction: 'heart' });
    const listed = await chat.reactions.list({ username: 'cid', messageIds: [msg], groupId: group });
    expect(listed[msg]).toEqual([
      { reaction: 'thumbs_up', count: 3, reactedByMe: true, users: ['ann', 'ben', 'cid'] },
      { reaction: 'heart', count: 1, reactedByMe: false, users: ['ben'] },
    ]);
    const first = await chat.reactions.detail({ username: 'ann', messageId: msg, reaction: 'thumbs_up', limit: 2 });
    expect(first.users).toEqual(['ann', 'ben']);
    const rest = await chat.reactions.detail({ username: 'ann', messageId: msg, reaction: 'thumbs_up', limit: 2, cursor: first.cursor });
    expect(rest).toMatchObject({ users: ['cid'], cursor: undefined });
    await chat.reactions.delete({ username: 'ben', messageId: msg, reaction: 'heart' });
    expect((await chat.reactions.list({ username: 'ann', messageIds: [msg], groupId: group }))[msg]!.map((r) => r.reaction)).toEqual(['thumbs_up']);
    await expect(chat.reactions.create({ username: 'out', messageId: msg, reaction: 'x' })).rejects.toBeInstanceOf(AgoraForbiddenError);
    await expect(chat.reactions.create({ username: 'ann', messageId: '999', reaction: 'x' })).rejects.toBeInstanceOf(AgoraNotFoundError);
  });

  it('allows at most 20 different reactions per message and 20 message ids per read', async () => {
    const { chat } = await startChat(['ann', 'ben']);
    const msg = (await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'x' } })).ben!;
    for (let i = 0; i < 20; i++) await chat.reactions.create({ username: 'ben', messageId: msg, reaction: `r${i}` });
    await expect(chat.reactions.create({ username: 'ben', messageId: msg, reaction: 'r20' })).rejects.toBeInstanceOf(AgoraForbiddenError);
    await expect(chat.reactions.list({ username: 'ben', messageIds: Array.from({ length: 21 }, (_, i) => `${i + 1}`) })).rejects.toBeInstanceOf(
      AgoraInputError,
    );
  });
});

describe('Chat threads', () => {
  it('creates a thread on a group message, lists it, manages members and deletes it', async () => {
    const { chat } = await startChat(['ann', 'ben', 'cid', 'out']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann', members: ['ben', 'cid'] });
    const msg = (await chat.messages.send({ from: 'ann', to: { groups: [group] }, body: { type: 'text', text: 'topic' } }))[group]!;
    const id = await chat.threads.create({ groupId: group, name: 'Discussion', messageId: msg, owner: 'ann' });
    expect(await chat.threads.addMembers({ id, usernames: ['ben', 'cid'] })).toBe(true);
    await expect(chat.threads.addMembers({ id, usernames: ['out'] })).rejects.toBeInstanceOf(AgoraForbiddenError);
    expect((await chat.threads.members({ id })).items).toEqual(['ann', 'ben', 'cid']);
    expect(await chat.threads.removeMembers({ id, usernames: ['cid', 'out'] })).toEqual([
      { username: 'cid', removed: true },
      { username: 'out', removed: false },
    ]);
    expect(await chat.threads.update({ id, name: 'Renamed' })).toBe('Renamed');
    expect((await chat.threads.list()).items).toEqual([{ id, name: 'Renamed', owner: 'ann', groupId: group, messageId: msg, createdAt: expect.any(Number) }]);
    expect((await chat.threads.joined({ username: 'ben' })).items.map((t) => t.id)).toEqual([id]);
    expect((await chat.threads.joinedInGroup({ username: 'cid', groupId: group })).items).toEqual([]);
    expect(await chat.threads.delete(id)).toBe(true);
    expect((await chat.threads.list()).items).toEqual([]);
  });

  it('pages threads newest first by default, and oldest first when asked', async () => {
    const { chat, emulator } = await startChat(['ann']);
    const group = await chat.groups.create({ name: 'g', owner: 'ann' });
    const msg = (await chat.messages.send({ from: 'ann', to: { groups: [group] }, body: { type: 'text', text: 'x' } }))[group]!;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await chat.threads.create({ groupId: group, name: `t${i}`, messageId: msg, owner: 'ann' }));
    const collect = async (sort: 'asc' | 'desc') => {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await chat.threads.list({ limit: 3, cursor, sort });
        out.push(...page.items.map((t) => t.id));
        cursor = page.cursor;
      } while (cursor);
      return out;
    };
    expect(await collect('desc')).toEqual([...ids].reverse());
    expect(await collect('asc')).toEqual(ids);
    // The overview's /threads/{id}/users removal path is served too.
    const raw = await chatFetch(emulator, 'DELETE', `/threads/${ids[0]}/users`, { body: { usernames: ['ann'] } });
    expect(raw.body).toMatchObject({ data: [{ user: 'ann', result: false }] });
  });

  it('refuses more than 10 members per call and names over 64 characters', async () => {
    const { chat, control } = await startChat([]);
    await expect(chat.threads.addMembers({ id: '1', usernames: Array.from({ length: 11 }, (_, i) => `u${i}`) })).rejects.toBeInstanceOf(AgoraInputError);
    await expect(chat.threads.create({ groupId: '1', name: 'n'.repeat(65), messageId: '2', owner: 'ann' })).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.threads.addMembers')).toBe(0);
  });
});
