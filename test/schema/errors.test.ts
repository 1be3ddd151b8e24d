import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { SendMessageDocument, SendPeerMessageDocument } from '../generated/graphql.ts';
import { execute, postGraphQL, startInProcessRunner } from '../helpers/gateway.ts';

const SEND_PEER = /* GraphQL */ `
  mutation Send($input: SendPeerMessageInput!) {
    sendPeerMessage(input: $input) {
      status
      requestId
    }
  }
`;

describe('errors a GraphQL client sees', () => {
  it('BAD_USER_INPUT names the argument path the client sent, and the input never reaches Agora', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    const res = await postGraphQL(graphqlUrl, SEND_PEER, { input: { from: 'alice', to: 'b'.repeat(65), payload: 'x' } });
    expect(res.body.errors?.[0]).toMatchObject({
      message: 'Invalid input.to: user id must be at most 64 characters',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.to' },
      path: ['sendPeerMessage'],
    });
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(0);
  });

  it('BAD_USER_INPUT from argument validation (the validation plugin)', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const res = await postGraphQL(graphqlUrl, '{ user(username: "alice") { attributes(keys: []) } }');
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'keys' });
  });

  it('null when a lookup finds nothing (group or user); NOT_FOUND when a rule is about a group that does not exist', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const lookups = await postGraphQL(graphqlUrl, '{ group(groupId: "123") { name } user(username: "nobody") { username } }');
    expect(lookups.body).toEqual({ data: { group: null, user: null }, extensions: expect.anything() });
    const acted = await postGraphQL(graphqlUrl, 'mutation { updateGroup(input: { groupId: "123", name: "x" }) { name } }', undefined, {
      token: await tokenFor('alice'),
    });
    expect(acted.body.errors?.[0]).toMatchObject({ message: 'No group has the id 123', extensions: { code: 'NOT_FOUND' } });
  });

  it('UPSTREAM_UNAVAILABLE with maybeDelivered when a send may have gone through', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    await control.addFault({ route: 'signaling.sendPeerMessage', reset: 'after' });
    const res = await postGraphQL(graphqlUrl, SEND_PEER, { input: { from: 'alice', to: 'bob', payload: 'x' } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', maybeDelivered: true, operation: 'signaling.sendPeerMessage' });
    expect(res.body.errors?.[0]?.message).toMatch(/Delivery is unknown/);
  });

  it('UPSTREAM_UNAVAILABLE after every retry when Agora keeps answering 503', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    await control.addFault({ route: 'chat.users.batchStatus', status: 503, times: 10 });
    const res = await postGraphQL(graphqlUrl, '{ user(username: "alice") { username online } }');
    expect(res.body.errors?.[0]).toMatchObject({ path: ['user', 'online'], extensions: { code: 'UPSTREAM_UNAVAILABLE', maybeDelivered: false } });
    expect(await control.callCount('chat.users.batchStatus')).toBe(4);
  });

  it('RATE_LIMITED with retryAfter in seconds', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 429, headers: { 'retry-after': '120' } });
    const res = await postGraphQL(graphqlUrl, SEND_PEER, { input: { from: 'alice', to: 'bob', payload: 'x' } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 120 });
  });

  it('UPSTREAM_ERROR naming the operation when Agora answers an unexpected shape', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 200, body: { nonsense: true } });
    const res = await postGraphQL(graphqlUrl, SEND_PEER, { input: { from: 'alice', to: 'bob', payload: 'x' } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', operation: 'signaling.sendPeerMessage' });
  });

  it('an expected failure of a mutation is a typed result: a non-member sends to a group', async () => {
    const { graphqlUrl, server } = await startInProcessRunner();
    const [group] = (await server.agora.chat!.groups.list()).items;
    const res = await execute(graphqlUrl, SendMessageDocument, { input: { from: 'erin', toGroups: [group!.id], body: { text: { text: 'hi' } } } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.sendMessage).toEqual({ __typename: 'ForbiddenError', message: expect.stringMatching(/erin is not a member/), agoraCode: 'forbidden_op' });
  });

  it('sends Signaling and Chat messages', async () => {
    const { graphqlUrl, control } = await startInProcessRunner();
    const peer = await execute(graphqlUrl, SendPeerMessageDocument, { input: { from: 'alice', to: 'bob', payload: 'hello', waitForAck: true } });
    expect(peer.data).toEqual({ sendPeerMessage: { status: 'DELIVERED', requestId: expect.any(String) } });
    const chat = await execute(graphqlUrl, SendMessageDocument, {
      input: { from: 'alice', toUsers: ['bob'], body: { location: { latitude: 1.5, longitude: 2, address: 'Here' } } },
    });
    expect(chat.data?.sendMessage).toEqual({
      __typename: 'MutationSendMessageSuccess',
      data: [{ recipient: 'bob', messageId: expect.stringMatching(/^\d+$/) }],
    });
    const inbox = await control.chat.inbox('bob');
    expect(inbox.messages.at(-1)).toMatchObject({ type: 'loc', body: { lat: '1.5', lng: '2', addr: 'Here' } });
  });
});
