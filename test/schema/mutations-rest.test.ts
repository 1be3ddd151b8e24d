import { describe, expect, it } from 'vitest';
import { startInProcessRunner } from '../helpers/gateway.ts';

describe('the remaining mutations', () => {
  it('rooms: update, members, admins, attribute removal, member removal, delete', async () => {
    const { run } = await startInProcessRunner();
    const { createRoom } = await run<{ createRoom: { roomId: string } }>('mutation { createRoom(input: { name: "Lab", owner: "alice" }) { roomId } }');
    const vars = { id: createRoom.roomId };
    expect(
      await run('mutation($id: String!) { updateRoom(input: { roomId: $id, description: "Experiments", maxUsers: 50 }) { description maxUsers } }', vars),
    ).toEqual({
      updateRoom: { description: 'Experiments', maxUsers: 50 },
    });
    expect(
      await run(
        'mutation($id: String!) { addRoomMembers(roomId: $id, usernames: ["bob", "carol"]) { ... on MutationAddRoomMembersSuccess { data { username } } } }',
        vars,
      ),
    ).toEqual({
      addRoomMembers: { data: [{ username: 'bob' }, { username: 'carol' }] },
    });
    expect(
      await run(
        'mutation($id: String!) { addRoomAdmin(roomId: $id, username: "bob") { ... on MutationAddRoomAdminSuccess { data { admins { username } } } } }',
        vars,
      ),
    ).toEqual({
      addRoomAdmin: { data: { admins: [{ username: 'bob' }] } },
    });
    expect(await run('mutation($id: String!) { removeRoomAdmin(roomId: $id, username: "bob") { admins { username } } }', vars)).toEqual({
      removeRoomAdmin: { admins: [] },
    });
    await run('mutation($id: String!) { setRoomAttributes(input: { roomId: $id, username: "bob", attributes: { a: "1", b: "2" } }) { succeeded } }', vars);
    expect(
      await run('mutation($id: String!) { removeRoomAttributes(input: { roomId: $id, username: "carol", keys: ["a"] }) { succeeded failed } }', vars),
    ).toEqual({
      removeRoomAttributes: { succeeded: [], failed: { a: 'the key was set by bob' } },
    });
    expect(
      await run('mutation($id: String!) { removeRoomAttributes(input: { roomId: $id, username: "carol", keys: ["a"], force: true }) { succeeded } }', vars),
    ).toEqual({
      removeRoomAttributes: { succeeded: ['a'] },
    });
    expect(await run('mutation($id: String!) { removeRoomMembers(roomId: $id, usernames: ["carol", "nobody"]) { username removed } }', vars)).toEqual({
      removeRoomMembers: [
        { username: 'carol', removed: true },
        { username: 'nobody', removed: false },
      ],
    });
    expect(await run('mutation($id: String!) { deleteRoom(roomId: $id) }', vars)).toEqual({ deleteRoom: true });
  });

  it('groups: remove an admin', async () => {
    const { run, chat } = await startInProcessRunner();
    const [group] = (await chat.groups.list()).items;
    expect(await run('query($id: String!) { group(groupId: $id) { admins { username } } }', { id: group!.id })).toEqual({
      group: { admins: [{ username: 'bob' }] },
    });
    expect(await run('mutation($id: String!) { removeGroupAdmin(groupId: $id, username: "bob") { admins { username } } }', { id: group!.id })).toEqual({
      removeGroupAdmin: { admins: [] },
    });
  });

  it('threads: rename, add and remove members, delete', async () => {
    const { run, chat } = await startInProcessRunner();
    const [thread] = (await chat.threads.list()).items;
    const vars = { id: thread!.id };
    expect(await run('mutation($id: String!) { renameThread(threadId: $id, name: "Go/no-go") }', vars)).toEqual({ renameThread: 'Go/no-go' });
    expect(
      await run('mutation($id: String!) { addThreadMembers(threadId: $id, usernames: ["carol"]) { ... on MutationAddThreadMembersSuccess { data } } }', vars),
    ).toEqual({
      addThreadMembers: { data: true },
    });
    expect(await run('mutation($id: String!) { addThreadMembers(threadId: $id, usernames: ["erin"]) { __typename } }', vars)).toEqual({
      addThreadMembers: { __typename: 'ForbiddenError' },
    });
    expect(await run('mutation($id: String!) { removeThreadMembers(threadId: $id, usernames: ["carol"]) { username removed } }', vars)).toEqual({
      removeThreadMembers: [{ username: 'carol', removed: true }],
    });
    expect(await run('mutation($id: String!) { deleteThread(threadId: $id) }', vars)).toEqual({ deleteThread: true });
    expect(await run('query($id: String!) { thread(threadId: $id) { name } }', vars)).toEqual({ thread: null });
  });

  it('reactions, presence subscriptions and push labels: the undo side', async () => {
    const { run, chat, control } = await startInProcessRunner();
    const [thread] = (await chat.threads.list()).items;
    const input = { username: 'carol', messageId: thread!.messageId!, reaction: 'thumbs_up' };
    expect(await run('mutation($input: ReactionInput!) { removeReaction(input: $input) }', { input })).toEqual({ removeReaction: true });
    await run('mutation { subscribePresence(username: "alice", users: ["bob"], expirySeconds: 60) { online } }');
    expect(await run('mutation { unsubscribePresence(username: "alice", users: ["bob"]) }')).toEqual({ unsubscribePresence: true });
    expect(await run('mutation { removeUsersFromPushLabel(label: "beta", usernames: ["alice"]) { succeeded } }')).toEqual({
      removeUsersFromPushLabel: { succeeded: ['alice'] },
    });
    expect(await run('mutation { deletePushLabel(label: "beta") }')).toEqual({ deletePushLabel: true });
    const task = await run<{ sendPushToAll: string }>('mutation { sendPushToAll(message: { title: "Maintenance", content: "Tonight" }) }');
    expect(task.sendPushToAll).toMatch(/^\d+$/);
    expect((await control.chat.pushes()).map((p) => p.username)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  it('Signaling channel messages through GraphQL', async () => {
    const { run, control } = await startInProcessRunner();
    expect(
      await run('mutation { sendChannelMessage(input: { from: "alice", channel: "lobby", payload: "hello lobby", saveHistory: true }) { status } }'),
    ).toEqual({
      sendChannelMessage: { status: 'SENT' },
    });
    expect((await control.signaling.inbox('bob')).messages.at(-1)).toMatchObject({ kind: 'channel', to: 'lobby', payload: 'hello lobby' });
  });

  it('deletes the oldest users; lists threads; reads one push label', async () => {
    const { run } = await startInProcessRunner();
    expect(await run('{ threads(first: 5) { edges { node { name } } } pushLabel(label: "beta") { name description count } }')).toEqual({
      threads: { edges: [{ node: { name: 'Release checklist' } }] },
      pushLabel: { name: 'beta', description: 'Beta testers', count: 1 },
    });
    expect(await run('mutation { deleteOldestUsers(limit: 2) }')).toEqual({ deleteOldestUsers: ['alice', 'bob'] });
    expect(await run('{ users(first: 10) { edges { node { username } } } }')).toEqual({
      users: { edges: [{ node: { username: 'carol' } }, { node: { username: 'dave' } }, { node: { username: 'erin' } }] },
    });
  });
});
