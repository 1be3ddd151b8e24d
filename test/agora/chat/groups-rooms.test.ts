import { describe, expect, it } from 'vitest';
import { AgoraForbiddenError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

describe('Chat groups', () => {
  it('creates a group, reads its details, updates it and deletes it', async () => {
    const { chat } = await startChat(['owner', 'm1', 'm2']);
    const id = await chat.groups.create({ name: 'Team', description: 'Our team', owner: 'owner', members: ['m1', 'm2'], maxUsers: 50, custom: 'x=1' });
    expect(id).toMatch(/^\d+$/);
    const [group] = await chat.groups.details([id]);
    expect(group).toMatchObject({
      kind: 'group',
      id,
      name: 'Team',
      description: 'Our team',
      owner: 'owner',
      maxUsers: 50,
      memberCount: 3,
      custom: 'x=1',
      disabled: false,
    });
    expect(await chat.groups.update({ id, name: 'Team 2', membersOnly: true })).toEqual(['groupname', 'membersonly']);
    expect((await chat.groups.details([id]))[0]).toMatchObject({ name: 'Team 2', membersOnly: true });
    expect(await chat.groups.delete(id)).toBe(true);
    await expect(chat.groups.details([id])).rejects.toBeInstanceOf(AgoraNotFoundError);
  });

  it('reads the details of up to 100 groups in one call, and refuses 101', async () => {
    const { chat, emulator, control } = await startChat(['owner']);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push(await chat.groups.create({ name: `g${i}`, owner: 'owner' }));
    await control.clearCalls();
    const groups = await chat.groups.details(ids);
    expect(groups.map((g) => g.id)).toEqual(ids);
    expect(await control.callCount('chat.groups.details')).toBe(1);
    await expect(chat.groups.details([...ids, '1'])).rejects.toBeInstanceOf(AgoraInputError);
    const raw = await chatFetch(emulator, 'GET', `/chatgroups/${[...ids, '1'].join(',')}`);
    expect(raw.body).toEqual(chatErrorEnvelope('illegal_argument', /at most 100 ids/));
  });

  it('lists every group with cursors, and the groups a user joined by page number', async () => {
    const { chat } = await startChat(['owner', 'ann']);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await chat.groups.create({ name: `g${i}`, owner: 'owner', members: i % 2 ? ['ann'] : [] }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await chat.groups.list({ limit: 10, cursor });
      seen.push(...page.items.map((g) => g.id));
      expect(page.items.every((g) => g.owner === 'owner')).toBe(true);
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const joined = [];
    for (let pageNum = 1; ; pageNum++) {
      const page = await chat.groups.joined({ username: 'ann', pageNum, pageSize: 5 });
      joined.push(...page.items.map((g) => g.id));
      if (!page.hasMore) break;
    }
    expect(joined).toEqual(ids.filter((_, i) => i % 2));
  });

  it('adds and removes members one and many, with partial success, and never removes the owner', async () => {
    const users = Array.from({ length: 70 }, (_, i) => `u${i}`);
    const { chat } = await startChat(['owner', ...users]);
    const id = await chat.groups.create({ name: 'big', owner: 'owner', maxUsers: 500 });
    expect(await chat.groups.addMember({ id, username: 'u0' })).toBe(true);
    await expect(chat.groups.addMember({ id, username: 'u0' })).rejects.toBeInstanceOf(AgoraForbiddenError);
    expect(await chat.groups.addMembers({ id, usernames: users.slice(0, 60) })).toEqual(users.slice(1, 60));
    await expect(chat.groups.addMembers({ id, usernames: users })).rejects.toBeInstanceOf(AgoraInputError);

    const members = await chat.groups.members({ id, pageNum: 1, pageSize: 100 });
    expect(members.items[0]).toEqual({ username: 'owner', role: 'owner' });
    expect(members.items).toHaveLength(61);
    expect(members.hasMore).toBe(false);

    const removals = await chat.groups.removeMembers({ id, usernames: ['u1', 'u2', 'u65', 'owner'] });
    expect(removals).toEqual([
      { username: 'u1', removed: true, reason: undefined },
      { username: 'u2', removed: true, reason: undefined },
      { username: 'u65', removed: false, reason: expect.stringMatching(/doesn't exist/) },
      { username: 'owner', removed: false, reason: 'Forbidden operation on group owner!' },
    ]);
    await expect(chat.groups.removeMember({ id, username: 'owner' })).rejects.toBeInstanceOf(AgoraForbiddenError);
    expect(await chat.groups.removeMember({ id, username: 'u3' })).toBe(true);
    expect((await chat.groups.details([id]))[0]?.memberCount).toBe(58);
  });

  it('pages members to the end', async () => {
    const users = Array.from({ length: 120 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const { chat } = await startChat(['owner', ...users]);
    const id = await chat.groups.create({ name: 'paged', owner: 'owner', members: users, maxUsers: 500 });
    const names: string[] = [];
    for (let pageNum = 1; ; pageNum++) {
      const page = await chat.groups.members({ id, pageNum, pageSize: 50 });
      names.push(...page.items.map((m) => m.username));
      if (!page.hasMore) break;
    }
    expect(names).toEqual(['owner', ...users]);
  });

  it('manages admins and transfers ownership', async () => {
    const { chat } = await startChat(['owner', 'ann', 'ben', 'out']);
    const id = await chat.groups.create({ name: 'g', owner: 'owner', members: ['ann', 'ben'] });
    expect(await chat.groups.addAdmin({ id, username: 'ann' })).toBe(true);
    expect(await chat.groups.admins(id)).toEqual(['ann']);
    await expect(chat.groups.addAdmin({ id, username: 'out' })).rejects.toBeInstanceOf(AgoraForbiddenError);
    expect(await chat.groups.removeAdmin({ id, username: 'ann' })).toBe(true);
    expect(await chat.groups.admins(id)).toEqual([]);

    expect(await chat.groups.transferOwner({ id, newOwner: 'ben' })).toBe(true);
    const [group] = await chat.groups.details([id]);
    expect(group?.owner).toBe('ben');
    const members = await chat.groups.members({ id });
    expect(members.items.map((m) => m.username).sort()).toEqual(['ann', 'ben', 'owner']);
    const error = await chat.groups.transferOwner({ id, newOwner: 'ben' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraForbiddenError);
    expect((error as Error).message).toMatch(/New owner and old owner are the same/);
  });

  it('bans and unbans a group', async () => {
    const { chat } = await startChat(['owner']);
    const id = await chat.groups.create({ name: 'g', owner: 'owner' });
    expect(await chat.groups.disable(id)).toBe(true);
    expect((await chat.groups.details([id]))[0]?.disabled).toBe(true);
    expect(await chat.groups.enable(id)).toBe(false);
  });

  it('deletes the groups a user owns when the user is deleted', async () => {
    const { chat } = await startChat(['owner', 'other']);
    const owned = await chat.groups.create({ name: 'mine', owner: 'owner' });
    const kept = await chat.groups.create({ name: 'theirs', owner: 'other', members: ['owner'] });
    await chat.users.delete('owner');
    await expect(chat.groups.details([owned])).rejects.toBeInstanceOf(AgoraNotFoundError);
    expect((await chat.groups.details([kept]))[0]?.memberCount).toBe(1);
  });
});

describe('Chat rooms', () => {
  it('creates, reads, updates, pages members and deletes a room', async () => {
    const { chat } = await startChat(['host', 'ann', 'ben']);
    const id = await chat.rooms.create({ name: 'Lobby', owner: 'host', members: ['ann'], maxUsers: 5000 });
    expect((await chat.rooms.details([id]))[0]).toMatchObject({ kind: 'room', name: 'Lobby', owner: 'host', maxUsers: 5000, memberCount: 2 });
    expect(await chat.rooms.addMembers({ id, usernames: ['ben'] })).toEqual(['ben']);
    expect((await chat.rooms.members({ id })).items.map((m) => m.username)).toEqual(['host', 'ann', 'ben']);
    expect(await chat.rooms.update({ id, description: 'Come in' })).toEqual(['description']);
    expect((await chat.rooms.joined({ username: 'ben' })).items.map((r) => r.id)).toEqual([id]);
    const listed = await chat.rooms.list();
    expect(listed.items).toEqual([{ id, name: 'Lobby', owner: 'host', memberCount: 3 }]);
    await chat.rooms.addAdmin({ id, username: 'ann' });
    expect(await chat.rooms.admins(id)).toEqual(['ann']);
    expect(await chat.rooms.delete(id)).toBe(true);
  });

  it('keeps custom attributes per setter, unless forced', async () => {
    const { chat } = await startChat(['host', 'ann', 'ben', 'out']);
    const roomId = await chat.rooms.create({ name: 'Stage', owner: 'host', members: ['ann', 'ben'] });
    expect(await chat.rooms.setAttributes({ roomId, username: 'ann', attributes: { topic: 'music', mic: 'ann' } })).toEqual({
      succeeded: ['topic', 'mic'],
      failed: {},
    });
    const byBen = await chat.rooms.setAttributes({ roomId, username: 'ben', attributes: { topic: 'sports', seat: '3' } });
    expect(byBen.succeeded).toEqual(['seat']);
    expect(byBen.failed.topic).toMatch(/set by ann/);
    expect(await chat.rooms.forceSetAttributes({ roomId, username: 'ben', attributes: { topic: 'sports' } })).toEqual({ succeeded: ['topic'], failed: {} });
    expect(await chat.rooms.getAttributes({ roomId })).toEqual({ topic: 'sports', mic: 'ann', seat: '3' });
    expect(await chat.rooms.getAttributes({ roomId, keys: ['mic'] })).toEqual({ mic: 'ann' });
    const removal = await chat.rooms.removeAttributes({ roomId, username: 'ben', keys: ['mic', 'seat'] });
    expect(removal.succeeded).toEqual(['seat']);
    expect(await chat.rooms.forceRemoveAttributes({ roomId, username: 'ben', keys: ['mic'] })).toEqual({ succeeded: ['mic'], failed: {} });
    expect(await chat.rooms.getAttributes({ roomId })).toEqual({ topic: 'sports' });
    await expect(chat.rooms.setAttributes({ roomId, username: 'out', attributes: { a: 'b' } })).rejects.toBeInstanceOf(AgoraForbiddenError);
  });

  it('refuses rooms over 10,000 members before any call', async () => {
    const { chat, control } = await startChat(['host']);
    await expect(chat.rooms.create({ name: 'huge', owner: 'host', maxUsers: 10_001 })).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.rooms.create')).toBe(0);
  });
});
