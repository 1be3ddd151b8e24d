import { describe, expect, it } from 'vitest';
import { AgoraForbiddenError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { startChat } from '../../helpers/chat.ts';

describe('Chat push', () => {
  it('notifies users now, each with its own outcome', async () => {
    const { chat, control } = await startChat(['ann', 'ben']);
    const result = await chat.push.sendToUsers({ users: ['ann', 'ben', 'ghost'], message: { title: 'Hi', content: 'News' } });
    expect(result).toEqual([
      { username: 'ann', sent: true, reason: undefined },
      { username: 'ben', sent: true, reason: undefined },
      { username: 'ghost', sent: false, reason: 'user ghost does not exist' },
    ]);
    expect((await control.chat.pushes()).map((p) => p.username)).toEqual(['ann', 'ben']);
    await expect(chat.push.sendToUsers({ users: ['ann'], message: {} })).rejects.toBeInstanceOf(AgoraInputError);
  });

  it('manages labels and their users, and pushes to the intersection of labels', async () => {
    const { chat, control } = await startChat(['ann', 'ben', 'cid']);
    expect(await chat.pushLabels.create({ label: 'beta', description: 'Beta testers' })).toMatchObject({ name: 'beta', description: 'Beta testers', count: 0 });
    await chat.pushLabels.create({ label: 'paying' });
    expect(await chat.pushLabels.addUsers({ label: 'beta', usernames: ['ann', 'ben', 'ghost'] })).toEqual({
      succeeded: ['ann', 'ben'],
      failed: { ghost: 'user does not exist' },
    });
    await chat.pushLabels.addUsers({ label: 'paying', usernames: ['ben', 'cid'] });
    expect((await chat.pushLabels.get('beta')).count).toBe(2);
    expect((await chat.pushLabels.getUser({ label: 'beta', username: 'ann' })).username).toBe('ann');
    await expect(chat.pushLabels.getUser({ label: 'beta', username: 'cid' })).rejects.toBeInstanceOf(AgoraNotFoundError);
    const first = await chat.pushLabels.listUsers({ label: 'beta', limit: 1 });
    const second = await chat.pushLabels.listUsers({ label: 'beta', limit: 1, cursor: first.cursor });
    expect([...first.items, ...second.items].map((u) => u.username)).toEqual(['ann', 'ben']);
    expect(second.cursor).toBeUndefined();
    expect((await chat.pushLabels.list()).items.map((l) => l.name)).toEqual(['beta', 'paying']);

    const taskId = await chat.push.sendByLabels({ labels: ['beta', 'paying'], message: { content: 'For ben' } });
    expect(taskId).toMatch(/^\d+$/);
    expect((await control.chat.pushes()).map((p) => [p.username, p.taskId])).toEqual([['ben', taskId]]);

    expect(await chat.pushLabels.removeUsers({ label: 'beta', usernames: ['ann', 'cid'] })).toEqual({
      succeeded: ['ann'],
      failed: { cid: 'user is not under this label' },
    });
    expect(await chat.pushLabels.delete('beta')).toBe(true);
    await expect(chat.pushLabels.get('beta')).rejects.toBeInstanceOf(AgoraNotFoundError);
  });

  it('runs at most 3 push tasks at once', async () => {
    const { chat } = await startChat(['ann'], { pushTaskDurationMs: 60_000 });
    await chat.pushLabels.create({ label: 'all' });
    for (let i = 0; i < 3; i++) await chat.push.sendByLabels({ labels: ['all'], message: { content: `${i}` } });
    const error = await chat.push.sendToAll({ message: { content: 'one too many' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraForbiddenError);
    expect(error).toMatchObject({ agoraCode: 'exceed_limit' });
    expect((error as Error).message).toMatch(/At most 3 push tasks/);
  });
});
