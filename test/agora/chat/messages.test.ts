import { describe, expect, it } from 'vitest';
import { AgoraForbiddenError, AgoraInputError, AgoraNotFoundError } from '../../../src/agora/errors.ts';
import { chatErrorEnvelope, chatFetch, startChat } from '../../helpers/chat.ts';

describe('Chat messages', () => {
  it('sends each message type to users, delivered now when online and at connect when offline', async () => {
    const { chat, control } = await startChat(['ann', 'ben', 'cid']);
    await control.chat.connect('ben');
    const bodies = [
      { type: 'text', text: 'hello' },
      { type: 'image', url: 'https://cdn.example/a.png', width: 10, height: 20 },
      { type: 'audio', url: 'https://cdn.example/a.amr', durationSeconds: 3 },
      { type: 'video', url: 'https://cdn.example/a.mp4', thumbnailUrl: 'https://cdn.example/a.jpg', durationSeconds: 9 },
      { type: 'file', url: 'https://cdn.example/a.pdf', filename: 'a.pdf' },
      { type: 'location', latitude: 39.9, longitude: 116.4, address: 'Beijing' },
      { type: 'command', action: 'refresh' },
      { type: 'custom', event: 'gift', fields: { amount: '3' } },
    ] as const;
    for (const body of bodies) {
      const ids = await chat.messages.send({ from: 'ann', to: { users: ['ben', 'cid'] }, body, ext: { em_ignore_notification: true } });
      expect(Object.keys(ids)).toEqual(['ben', 'cid']);
    }
    const ben = await control.chat.inbox('ben');
    expect(ben.messages.map((m) => m.type)).toEqual(['txt', 'img', 'audio', 'video', 'file', 'loc', 'cmd', 'custom']);
    expect(ben.messages[0]).toMatchObject({ from: 'ann', to: 'ben', chatType: 'chat', body: { msg: 'hello' }, ext: { em_ignore_notification: true } });
    expect(ben.messages[5]?.body).toEqual({ lat: '39.9', lng: '116.4', addr: 'Beijing' });
    expect(ben.messages[7]?.body).toEqual({ customEvent: 'gift', customExts: { amount: '3' } });

    expect(await chat.users.offlineMessageCount('cid')).toBe(8);
    const firstToCid = (await chat.messages.send({ from: 'ann', to: { users: ['cid'] }, body: { type: 'text', text: 'later' } })).cid!;
    expect(await chat.users.offlineMessageStatus({ username: 'cid', messageId: firstToCid })).toBe('undelivered');
    await control.chat.connect('cid');
    expect((await control.chat.inbox('cid')).messages).toHaveLength(9);
    expect(await chat.users.offlineMessageCount('cid')).toBe(0);
    expect(await chat.users.offlineMessageStatus({ username: 'cid', messageId: firstToCid })).toBe('delivered');
  });

  it('sends to groups and rooms; room messages reach only members online, and non-members cannot send', async () => {
    const { chat, control } = await startChat(['owner', 'ann', 'ben', 'out']);
    const group = await chat.groups.create({ name: 'g', owner: 'owner', members: ['ann', 'ben'] });
    const room = await chat.rooms.create({ name: 'r', owner: 'owner', members: ['ann', 'ben'] });
    await control.chat.connect('ann');
    const sent = await chat.messages.send({ from: 'owner', to: { groups: [group] }, body: { type: 'text', text: 'to group' } });
    expect(Object.keys(sent)).toEqual([group]);
    await chat.messages.send({ from: 'owner', to: { rooms: [room] }, body: { type: 'text', text: 'to room' } });
    expect((await control.chat.inbox('ann')).messages.map((m) => [m.chatType, m.body.msg])).toEqual([
      ['groupchat', 'to group'],
      ['chatroom', 'to room'],
    ]);
    await control.chat.connect('ben');
    expect((await control.chat.inbox('ben')).messages.map((m) => m.body.msg)).toEqual(['to group']);
    await expect(chat.messages.send({ from: 'out', to: { groups: [group] }, body: { type: 'text', text: 'x' } })).rejects.toBeInstanceOf(AgoraForbiddenError);
    // The app admin sends to any group.
    expect(Object.keys(await chat.messages.send({ to: { groups: [group] }, body: { type: 'text', text: 'notice' } }))).toEqual([group]);
    await chat.groups.disable(group);
    await expect(chat.messages.send({ from: 'owner', to: { groups: [group] }, body: { type: 'text', text: 'x' } })).rejects.toBeInstanceOf(AgoraForbiddenError);
  });

  it('does not deliver to a user who blocked the sender', async () => {
    const { chat, control } = await startChat(['ann', 'ben']);
    await control.chat.connect('ben');
    await chat.contacts.block({ owner: 'ben', users: ['ann'] });
    await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'hi' } });
    expect((await control.chat.inbox('ben')).messages).toEqual([]);
  });

  it('refuses the documented maxima before any call: 600 users, 3 groups, 10 rooms, 5 KB', async () => {
    const { chat, control } = await startChat([]);
    const text = { type: 'text', text: 'x' } as const;
    const cases = [
      chat.messages.send({ to: { users: Array.from({ length: 601 }, (_, i) => `u${i}`) }, body: text }),
      chat.messages.send({ to: { groups: ['1', '2', '3', '4'] }, body: text }),
      chat.messages.send({ to: { rooms: Array.from({ length: 11 }, (_, i) => `${i + 1}`) }, body: text }),
      chat.messages.send({ to: { users: ['u'] }, body: { type: 'text', text: 'x'.repeat(5000) }, ext: { pad: 'y'.repeat(200) } }),
      chat.messages.send({ to: { users: ['u'] }, body: { type: 'custom', event: 'bad event!' } }),
      chat.messages.send({ to: { users: ['u'] }, body: { type: 'image', url: 'not a url' } }),
    ];
    for (const c of cases) await expect(c).rejects.toBeInstanceOf(AgoraInputError);
    expect(await control.callCount('chat.messages.send')).toBe(0);
  });

  it('validates sends in the emulator as Agora does', async () => {
    const { emulator } = await startChat(['ann']);
    const send = (body: unknown) => chatFetch(emulator, 'POST', '/messages/users', { body });
    expect((await send({ from: '', to: ['ann'], type: 'txt', body: { msg: 'x' } })).body).toEqual(
      chatErrorEnvelope('illegal_argument', "'From' can't be empty."),
    );
    expect((await send({ to: ['ann'], type: 'txt', body: { msg: 'x'.repeat(5200) } })).body).toEqual(
      chatErrorEnvelope('illegal_argument', 'message is too large'),
    );
    expect((await send({ to: ['ann'], type: 'file', body: { url: 'https://x' } })).body).toEqual(chatErrorEnvelope('illegal_argument', /body.filename/));
    const groups = await chatFetch(emulator, 'POST', '/messages/chatgroups', { body: { to: ['1', '2', '3', '4'], type: 'txt', body: { msg: 'x' } } });
    expect(groups.body).toEqual(chatErrorEnvelope('illegal_argument', /at most 3 groups/));
    const legacy = await chatFetch(emulator, 'POST', '/messages', { body: { target_type: 'planets', target: ['ann'], msg: { type: 'txt', msg: 'x' } } });
    expect(legacy.body).toEqual(chatErrorEnvelope('illegal_argument', /'Target_type' can only be/));
    const ok = await chatFetch(emulator, 'POST', '/messages', { body: { target_type: 'users', target: ['ann'], msg: { type: 'txt', msg: 'legacy' } } });
    expect(ok.body).toMatchObject({ data: { ann: expect.stringMatching(/^\d+$/) } });
  });

  it('recalls within the window, refuses after it unless forced, and says when a message does not exist', async () => {
    const { chat, control, emulator } = await startChat(['ann', 'ben']);
    await control.chat.connect('ben');
    const first = (await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'oops' } })).ben!;
    expect(await chat.messages.recall({ messageId: first, to: 'ben', conversation: 'user', from: 'ann' })).toBe(true);
    expect((await control.chat.inbox('ben')).messages).toEqual([]);

    await control.updateSettings({ recallWindowMs: 50 });
    const second = (await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'late' } })).ben!;
    await new Promise((r) => setTimeout(r, 80));
    const refused = await chat.messages.recall({ messageId: second, to: 'ben', conversation: 'user' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgoraForbiddenError);
    expect((refused as Error).message).toMatch(/exceed call time limit/);
    expect(await chat.messages.recall({ messageId: second, to: 'ben', conversation: 'user', force: true })).toBe(true);
    await expect(chat.messages.recall({ messageId: '123456', to: 'ben', conversation: 'user' })).rejects.toBeInstanceOf(AgoraNotFoundError);
    // The overview's /messages/recall path is served too.
    const overview = await chatFetch(emulator, 'POST', '/messages/recall', { body: { msg_id: '1', to: 'ben', chat_type: 'chat' } });
    expect(overview.body).toMatchObject({ data: { recalled: 'not_found msg' } });
  });

  it('deletes a conversation from the server', async () => {
    const { chat, control } = await startChat(['ann', 'ben', 'cid']);
    await control.chat.connect('ben');
    await chat.messages.send({ from: 'ann', to: { users: ['ben'] }, body: { type: 'text', text: 'a' } });
    await chat.messages.send({ from: 'cid', to: { users: ['ben'] }, body: { type: 'text', text: 'c' } });
    expect(await chat.messages.deleteConversation({ username: 'ben', with: 'ann', conversation: 'user' })).toBe(true);
    expect((await control.chat.inbox('ben')).messages.map((m) => m.from)).toEqual(['cid']);
  });
});
