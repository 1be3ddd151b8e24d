import { describe, expect, it } from 'vitest';
import { postGraphQL, startInProcessRunner } from '../helpers/gateway.ts';

describe('moderation mutations', () => {
  it('bans and unbans a user, and forces them offline', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    const ban = await postGraphQL(graphqlUrl, 'mutation { banUser(username: "bob") { username activated online } }');
    expect(ban.body.data).toEqual({ banUser: { username: 'bob', activated: false, online: false } });
    await expect(control.chat.connect('bob')).rejects.toThrow(/banned/);
    const unban = await postGraphQL(graphqlUrl, 'mutation { unbanUser(username: "bob") { activated } }');
    expect(unban.body.data).toEqual({ unbanUser: { activated: true } });
    await control.chat.connect('bob');
    const offline = await postGraphQL(graphqlUrl, 'mutation { forceUserOffline(username: "bob") }');
    expect(offline.body.data).toEqual({ forceUserOffline: true });
    expect((await control.chat.inbox('bob')).online).toBe(false);
  });

  it('mutes globally per scope and unmutes', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const mute = await postGraphQL(
      graphqlUrl,
      'mutation { setGlobalMute(input: { username: "erin", oneToOneSeconds: 600, roomsSeconds: -1 }) { mute { oneToOne groups rooms } } }',
    );
    expect(mute.body.data).toEqual({ setGlobalMute: { mute: { oneToOne: 600, groups: 0, rooms: -1 } } });
    const unmute = await postGraphQL(
      graphqlUrl,
      'mutation { setGlobalMute(input: { username: "erin", oneToOneSeconds: 0, roomsSeconds: 0 }) { mute { oneToOne rooms } } }',
    );
    expect(unmute.body.data).toEqual({ setGlobalMute: { mute: { oneToOne: 0, rooms: 0 } } });
  });

  it('disables and enables a group, removes members, and recalls any message with force', async () => {
    const { graphqlUrl, chat, control } = await startInProcessRunner();
    const [group] = (await chat.groups.list()).items;
    const disabled = await postGraphQL(graphqlUrl, 'mutation($id: String!) { disableGroup(groupId: $id) { disabled } }', { id: group!.id });
    expect(disabled.body.data).toEqual({ disableGroup: { disabled: true } });
    await postGraphQL(graphqlUrl, 'mutation($id: String!) { enableGroup(groupId: $id) { disabled } }', { id: group!.id });
    const removed = await postGraphQL(
      graphqlUrl,
      'mutation($id: String!) { removeGroupMembers(groupId: $id, usernames: ["dave", "alice"]) { username removed reason } }',
      { id: group!.id },
    );
    expect(removed.body.data).toEqual({
      removeGroupMembers: [
        { username: 'dave', removed: true, reason: null },
        { username: 'alice', removed: false, reason: 'Forbidden operation on group owner!' },
      ],
    });
    await control.updateSettings({ recallWindowMs: 0 });
    const sent = (await chat.messages.send({ from: 'alice', to: { users: ['bob'] }, body: { type: 'text', text: 'oops' } })).bob!;
    const recall = (force: boolean) =>
      postGraphQL(
        graphqlUrl,
        'mutation($id: String!, $force: Boolean) { recallMessage(input: { messageId: $id, conversation: USER, to: "bob", force: $force }) { __typename ... on MutationRecallMessageSuccess { data } ... on DomainError { message } } }',
        { id: sent, force },
      );
    expect((await recall(false)).body.data).toEqual({
      recallMessage: { __typename: 'ForbiddenError', message: expect.stringMatching(/exceed call time limit/) },
    });
    expect((await recall(true)).body.data).toEqual({ recallMessage: { __typename: 'MutationRecallMessageSuccess', data: true } });
  });
});
