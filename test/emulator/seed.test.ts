import { describe, expect, it } from 'vitest';
import { startGateway } from '../helpers/gateway.ts';

describe("the embedded emulator's demo data", () => {
  it('seeds the embedded emulator with Signaling and Chat demo data', async () => {
    const { server } = await startGateway();
    expect(server.emulator?.state.signaling.onlineUsers()).toEqual(['alice', 'bob', 'carol']);
    const history = await server.agora.signaling.countHistory({ source: 'alice', startTime: new Date(Date.now() - 3600_000), endTime: new Date() });
    expect(history).toBe(2);

    const chat = server.agora.chat!;
    expect((await chat.users.list({ limit: 10 })).items.map((u) => u.username)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(await chat.users.batchStatus(['alice', 'bob', 'carol'])).toEqual({ alice: 'online', bob: 'online', carol: 'offline' });
    expect(await chat.contacts.list('alice')).toEqual(['bob', 'carol']);
    const [group] = (await chat.groups.list()).items;
    expect(group).toMatchObject({ name: 'Product team', owner: 'alice', memberCount: 4 });
    const threads = await chat.threads.list();
    expect(threads.items[0]).toMatchObject({ name: 'Release checklist', groupId: group!.id });
    const reactions = await chat.reactions.list({ username: 'bob', messageIds: [threads.items[0]!.messageId!], groupId: group!.id });
    expect(Object.values(reactions)[0]).toEqual([{ reaction: 'thumbs_up', count: 2, reactedByMe: true, users: ['bob', 'carol'] }]);
    const [bob] = await chat.presence.getMany({ username: 'alice', users: ['bob'] });
    expect(bob).toMatchObject({ online: true, ext: 'In a meeting until 3pm' });
    // The two group messages of others wait for carol, who has no device connected.
    expect(await chat.users.offlineMessageCount('carol')).toBe(2);
    // The six demo messages were sent in the last 30 minutes: this hour and maybe the one before.
    const hours = [new Date(), new Date(Date.now() - 3600_000)];
    const archived = await Promise.all(hours.map((h) => chat.messages.downloadHistory(h).catch(() => [])));
    expect(archived.flat()).toHaveLength(6);
  });
});
