import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { GroupMembersDocument } from '../generated/graphql.ts';
import { execute, startInProcessGateway } from '../helpers/gateway.ts';

describe('batching onto Agora batch endpoints', () => {
  it('a group of 200 members costs the lower bound: ceil(200 / batch size) calls per endpoint', async () => {
    const { server, graphqlUrl } = await startInProcessGateway();
    const chat = server.agora.chat!;
    const control = createEmulatorControl(server.emulator!.url);
    const names = Array.from({ length: 199 }, (_, i) => `member${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 60) await chat.users.registerMany(names.slice(i, i + 60).map((username) => ({ username })));
    await chat.users.register({ username: 'boss' });
    const id = await chat.groups.create({ name: 'Big', owner: 'boss', members: names, maxUsers: 500 });
    await chat.metadata.set({ username: 'member000', attributes: { avatar: 'a.png' } });
    await control.chat.connect('member001');
    await chat.groups.addAdmin({ id, username: 'member002' });
    await control.clearCalls();

    const res = await execute(graphqlUrl, GroupMembersDocument, { id, first: 200 });
    expect(res.errors).toBeUndefined();
    const group = res.data!.group!;
    expect(group.name).toBe('Big');
    expect(group.members.edges).toHaveLength(200);
    expect(group.members.edges[0]).toMatchObject({ role: 'OWNER', node: { username: 'boss' } });
    expect(group.members.edges[1]).toMatchObject({ role: 'MEMBER', node: { username: 'member000', attributes: { avatar: 'a.png' } } });
    expect(group.members.edges[2]?.node.online).toBe(true);
    // Agora's member pages say owner or member; the admins are one more read, made because edges ask for role.
    expect(group.members.edges[3]).toMatchObject({ role: 'ADMIN', node: { username: 'member002' } });

    const calls = await control.calls();
    const count = (route: string) => calls[route]?.total ?? 0;
    expect({
      details: count('chat.groups.details'),
      members: count('chat.groups.members'),
      online: count('chat.users.batchStatus'),
      presence: count('chat.presence.getMany'),
      attributes: count('chat.metadata.getMany'),
      users: count('chat.users.get'),
      admins: count('chat.groups.admins'),
    }).toEqual({ details: 1, members: 2, online: 2, presence: 2, attributes: 2, users: 0, admins: 1 });
    // The response says so too: predicted before execution, counted during it.
    expect(res.extensions?.cost).toEqual({
      predicted: 10,
      estimated: false,
      actual: 10,
      calls: {
        'chat.groups.details': 1,
        'chat.groups.members': 2,
        'chat.groups.admins': 1,
        'chat.users.batchStatus': 2,
        'chat.presence.getMany': 2,
        'chat.metadata.getMany': 2,
      },
      cacheHits: 0,
      coalesced: 0,
    });
  });
});
