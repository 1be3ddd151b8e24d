import { describe, expect, it } from 'vitest';
import { startInProcessRunner } from '../helpers/gateway.ts';

describe('the rest of the surface in the graph', () => {
  it('single-user reads: online status, all attributes, offline delivery, subscriptions', async () => {
    const { run, chat } = await startInProcessRunner();
    expect(await run('{ alice: onlineStatus(username: "alice") carol: onlineStatus(username: "carol") }')).toEqual({ alice: true, carol: false });
    expect(await run('{ user(username: "bob") { allAttributes } }')).toMatchObject({ user: { allAttributes: { nickname: 'Bob Chen' } } });
    const id = (await chat.messages.send({ from: 'alice', to: { users: ['carol'] }, body: { type: 'text', text: 'later' } })).carol!;
    expect(await run('query($id: String!) { offlineMessageDelivered(username: "carol", messageId: $id) }', { id })).toEqual({ offlineMessageDelivered: false });
    await run('mutation { subscribePresence(username: "alice", users: ["bob", "carol"], expirySeconds: 600) { online } }');
    expect(await run('{ user(username: "alice") { presenceSubscriptions(first: 10) { edges { node { username } } } } }')).toEqual({
      user: { presenceSubscriptions: { edges: [{ node: { username: 'bob' } }, { node: { username: 'carol' } }] } },
    });
  });

  it('push labels with their users, and muted users', async () => {
    const { run } = await startInProcessRunner();
    expect(
      await run(
        '{ pushLabels(first: 5) { edges { node { name count users(first: 5) { edges { node { username } } } alice: user(username: "alice") { username } bob: user(username: "bob") { username } } } } }',
      ),
    ).toEqual({
      pushLabels: {
        edges: [{ node: { name: 'beta', count: 1, users: { edges: [{ node: { username: 'alice' } }] }, alice: { username: 'alice' }, bob: null } }],
      },
    });
    await run('mutation { setGlobalMute(input: { username: "erin", groupsSeconds: 60 }) { username } }');
    expect(await run('{ mutes(first: 10) { edges { node { user { username } groups } } } }')).toEqual({
      mutes: { edges: [{ node: { user: { username: 'erin' }, groups: 60 } }] },
    });
  });

  it('reactions of messages and who reacted', async () => {
    const { run, chat } = await startInProcessRunner();
    const [group] = (await chat.groups.list()).items;
    const threads = await chat.threads.list();
    const messageId = threads.items[0]!.messageId!;
    expect(
      await run(
        'query($m: String!, $g: String!) { messageReactions(username: "bob", messageIds: [$m], groupId: $g) { messageId reactions { reaction count reactedByViewer } } }',
        { m: messageId, g: group!.id },
      ),
    ).toEqual({
      messageReactions: [{ messageId, reactions: [{ reaction: 'thumbs_up', count: 2, reactedByViewer: true }] }],
    });
    expect(
      await run(
        'query($m: String!) { reactionUsers(username: "alice", messageId: $m, reaction: "thumbs_up", first: 1) { edges { node { username } } pageInfo { hasNextPage } } }',
        { m: messageId },
      ),
    ).toEqual({
      reactionUsers: { edges: [{ node: { username: 'bob' } }], pageInfo: { hasNextPage: true } },
    });
  });

  it('uploads and downloads a file as base64, counts history, deletes a conversation, removes one member', async () => {
    const { run, chat } = await startInProcessRunner();
    const content = Buffer.from('hello file').toString('base64');
    const uploaded = await run<{ uploadChatFile: { uuid: string; secret: string | null } }>(
      'mutation($c: String!) { uploadChatFile(filename: "a.txt", contentBase64: $c, restrictAccess: true) { uuid secret } }',
      { c: content },
    );
    const file = uploaded.uploadChatFile;
    expect(await run('query($u: String!, $s: String) { chatFile(uuid: $u, secret: $s) }', { u: file.uuid, s: file.secret })).toEqual({ chatFile: content });
    const now = Date.now();
    expect(
      await run('query($s: DateTime!, $e: DateTime!) { channelHistoryCount(source: "alice", startTime: $s, endTime: $e) }', {
        s: new Date(now - 3600_000).toISOString(),
        e: new Date(now + 60_000).toISOString(),
      }),
    ).toEqual({
      channelHistoryCount: 2,
    });
    expect(await run('mutation { deleteConversation(username: "bob", with: "alice") }')).toEqual({ deleteConversation: true });
    const [group] = (await chat.groups.list()).items;
    expect(await run('mutation($g: String!) { removeGroupMembers(groupId: $g, usernames: ["alice"]) { username removed reason } }', { g: group!.id })).toEqual({
      removeGroupMembers: [{ username: 'alice', removed: false, reason: 'Forbidden operation on group owner!' }],
    });
    expect(await run('mutation($g: String!) { removeGroupMembers(groupId: $g, usernames: ["carol"]) { username removed } }', { g: group!.id })).toEqual({
      removeGroupMembers: [{ username: 'carol', removed: true }],
    });
  });
});
