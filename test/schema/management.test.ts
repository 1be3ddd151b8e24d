import { describe, expect, it } from 'vitest';
import { startInProcessRunner } from '../helpers/gateway.ts';

describe('management mutations', () => {
  it('registers users (one and many), sets push settings and attributes, deletes', async () => {
    const { run } = await startInProcessRunner();
    expect(await run('mutation { registerUser(input: { username: "zoe", nickname: "Zoe" }) { username nickname activated } }')).toEqual({
      registerUser: { username: 'zoe', nickname: 'Zoe', activated: true },
    });
    expect(
      await run('mutation { registerUsers(input: [{ username: "yan" }, { username: "zoe" }]) { created { username } failed { username reason } } }'),
    ).toEqual({
      registerUsers: { created: [{ username: 'yan' }], failed: [{ username: 'zoe', reason: 'the zoe already exists' }] },
    });
    expect(await run('mutation { setPushSettings(input: { username: "zoe", nickname: "Z", displayStyle: DETAIL }) { nickname } }')).toEqual({
      setPushSettings: { nickname: 'Z' },
    });
    expect(await run('mutation { setUserAttributes(username: "zoe", attributes: { avatarurl: "z.png" }) }')).toEqual({
      setUserAttributes: { avatarurl: 'z.png' },
    });
    const read = await run<{ user: { attributes: unknown }; attributesCapacity: number }>(
      '{ user(username: "zoe") { attributes(keys: ["avatarurl"]) } attributesCapacity }',
    );
    expect(read.user).toEqual({ attributes: { avatarurl: 'z.png' } });
    // The demo users' attributes plus zoe's avatarurl=z.png.
    expect(read.attributesCapacity).toBeGreaterThan(Buffer.byteLength('avatarurlz.png'));
    expect(await run('mutation { deleteUserAttributes(username: "zoe") deleteUser(username: "yan") }')).toEqual({
      deleteUserAttributes: true,
      deleteUser: true,
    });
  });

  it('manages contacts and blocks', async () => {
    const { run } = await startInProcessRunner();
    expect(await run('mutation { addContact(owner: "erin", user: "alice") { ... on MutationAddContactSuccess { data } } }')).toEqual({
      addContact: { data: true },
    });
    expect(await run('mutation { blockUsers(owner: "erin", users: ["bob"]) { ... on MutationBlockUsersSuccess { data { username } } } }')).toEqual({
      blockUsers: { data: [{ username: 'bob' }] },
    });
    expect(await run('mutation { blockUsers(owner: "erin", users: ["ghost"]) { __typename ... on DomainError { operation } } }')).toEqual({
      blockUsers: { __typename: 'NotFoundError', operation: 'chat.blocks.add' },
    });
    expect(await run('{ user(username: "erin") { contacts { username } blocked { username } } }')).toEqual({
      user: { contacts: [{ username: 'alice' }], blocked: [{ username: 'dave' }, { username: 'bob' }] },
    });
    await run('mutation { unblockUser(owner: "erin", user: "bob") removeContact(owner: "erin", user: "alice") }');
  });

  it('creates, updates and staffs a group, then deletes it', async () => {
    const { run } = await startInProcessRunner();
    const created = await run<{ createGroup: { groupId: string } }>(
      'mutation { createGroup(input: { name: "Ops", owner: "carol", members: ["dave"] }) { groupId name owner { username } memberCount } }',
    );
    const group = created.createGroup;
    expect(created).toEqual({ createGroup: { groupId: group.groupId, name: 'Ops', owner: { username: 'carol' }, memberCount: 2 } });
    const id = { id: group.groupId };
    expect(await run('mutation($id: String!) { updateGroup(input: { groupId: $id, name: "Ops team", membersOnly: true }) { name membersOnly } }', id)).toEqual({
      updateGroup: { name: 'Ops team', membersOnly: true },
    });
    expect(
      await run(
        'mutation($id: String!) { addGroupMembers(groupId: $id, usernames: ["erin", "bob"]) { ... on MutationAddGroupMembersSuccess { data { username } } } }',
        id,
      ),
    ).toEqual({
      addGroupMembers: { data: [{ username: 'erin' }, { username: 'bob' }] },
    });
    expect(
      await run(
        'mutation($id: String!) { addGroupAdmin(groupId: $id, username: "dave") { ... on MutationAddGroupAdminSuccess { data { admins { username } } } } }',
        id,
      ),
    ).toEqual({
      addGroupAdmin: { data: { admins: [{ username: 'dave' }] } },
    });
    // An admin who is not a member: an expected failure, answered as data.
    expect(
      await run('mutation($id: String!) { addGroupAdmin(groupId: $id, username: "alice") { __typename ... on DomainError { message agoraCode } } }', id),
    ).toEqual({
      addGroupAdmin: { __typename: 'ForbiddenError', message: expect.stringMatching(/not members of this group/), agoraCode: 'forbidden_op' },
    });
    expect(
      await run(
        'mutation($id: String!) { transferGroupOwnership(groupId: $id, newOwner: "erin") { ... on MutationTransferGroupOwnershipSuccess { data { owner { username } } } } }',
        id,
      ),
    ).toEqual({
      transferGroupOwnership: { data: { owner: { username: 'erin' } } },
    });
    expect(await run('mutation($id: String!) { deleteGroup(groupId: $id) }', id)).toEqual({ deleteGroup: true });
  });

  it('creates a room and sets attributes, refused for keys another member set unless forced', async () => {
    const { run } = await startInProcessRunner();
    const created = await run<{ createRoom: { roomId: string } }>(
      'mutation { createRoom(input: { name: "Stage", owner: "alice", members: ["bob", "carol"] }) { roomId } }',
    );
    const vars = { id: created.createRoom.roomId };
    await run('mutation($id: String!) { setRoomAttributes(input: { roomId: $id, username: "bob", attributes: { mic: "bob" } }) { succeeded } }', vars);
    expect(
      await run(
        'mutation($id: String!) { setRoomAttributes(input: { roomId: $id, username: "carol", attributes: { mic: "carol" } }) { succeeded failed } }',
        vars,
      ),
    ).toEqual({
      setRoomAttributes: { succeeded: [], failed: { mic: 'the key was set by bob' } },
    });
    expect(
      await run(
        'mutation($id: String!) { setRoomAttributes(input: { roomId: $id, username: "carol", attributes: { mic: "carol" }, force: true }) { succeeded } }',
        vars,
      ),
    ).toEqual({
      setRoomAttributes: { succeeded: ['mic'] },
    });
    expect(await run('query($id: String!) { room(roomId: $id) { attributes } }', vars)).toEqual({ room: { attributes: { mic: 'carol' } } });
  });

  it('creates a thread, reacts, sets presence and pushes', async () => {
    const { run, server, control } = await startInProcessRunner();
    const [group] = (await server.agora.chat!.groups.list()).items;
    const msg = (await server.agora.chat!.messages.send({ from: 'alice', to: { groups: [group!.id] }, body: { type: 'text', text: 'plan' } }))[group!.id]!;
    const thread = await run(
      'mutation($g: String!, $m: String!) { createThread(input: { groupId: $g, name: "Plan", messageId: $m, owner: "alice" }) { ... on MutationCreateThreadSuccess { data { name group { name } } } } }',
      {
        g: group!.id,
        m: msg,
      },
    );
    expect(thread).toEqual({ createThread: { data: { name: 'Plan', group: { name: 'Product team' } } } });
    expect(await run('mutation($m: String!) { addReaction(input: { username: "bob", messageId: $m, reaction: "fire" }) }', { m: msg })).toEqual({
      addReaction: true,
    });
    expect(await run('mutation { setPresence(input: { username: "dave", resource: "web", status: "away", ext: "lunch" }) }')).toEqual({ setPresence: true });
    expect(await run('{ user(username: "dave") { presence { ext devices { resource status } } } }')).toEqual({
      user: { presence: { ext: 'lunch', devices: [{ resource: 'web', status: 'away' }] } },
    });
    expect(await run('mutation { sendPushToUsers(users: ["alice"], message: { title: "Hi" }) { username sent } }')).toEqual({
      sendPushToUsers: [{ username: 'alice', sent: true }],
    });
    await run('mutation { createPushLabel(label: "vip") { name } addUsersToPushLabel(label: "vip", usernames: ["bob"]) { succeeded } }');
    const task = await run<{ sendPushByLabels: string }>('mutation { sendPushByLabels(labels: ["vip"], message: { content: "For VIPs" }) }');
    expect(task.sendPushByLabels).toMatch(/^\d+$/);
    expect((await control.chat.pushes()).map((p) => p.username)).toEqual(['alice', 'bob']);
  });
});
