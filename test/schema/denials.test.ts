/**
 * Denials a person can act on: who a rule lets in, in words, and what to pass instead where the rule
 * reads the arguments; NOT_FOUND for a group that does not exist before any FORBIDDEN; domain errors
 * in Agora's words without the gateway's diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGatewayRunner, startInProcessRunner, wsClient } from '../helpers/gateway.ts';
import { subscribe } from '../helpers/live.ts';

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;
const firstError = (errors: Errors) => errors?.[0];

describe('denials', () => {
  it('say who may, and what the caller could pass instead', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const bob = await tokenFor('bob');
    const as = async (query: string) => firstError((await postGraphQL(graphqlUrl, query, undefined, { token: bob })).body.errors);

    expect(await as('mutation { sendMessage(input: { toUsers: ["alice"], body: { text: { text: "hi" } } }) { __typename } }')).toMatchObject({
      message: 'Not allowed: Mutation.sendMessage is for admins. Send with input.from: "bob" (only admins send as the app).',
      extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.sendMessage', rule: 'admin' },
    });
    expect(await as('mutation { createGroup(input: { name: "Theirs", owner: "alice" }) { groupId } }')).toMatchObject({
      message: 'Not allowed: Mutation.createGroup is for "alice" themselves. Create it with input.owner: "bob".',
      extensions: { code: 'FORBIDDEN', rule: 'self alice' },
    });
    // Fields whose rule does not read arguments say who may, and no more.
    expect((await as('{ attributesCapacity }'))?.message).toBe('Not allowed: Query.attributesCapacity is for admins.');
  });

  it('refuse subscriptions with what to subscribe with (no blank names, no "(everyone)")', async () => {
    const { graphqlUrl } = await startGatewayRunner();
    const client = wsClient(graphqlUrl, { token: await tokenFor('carol') });
    const refusal = async (query: string) => {
      const live = subscribe(client, 'x', query);
      await expect.poll(() => live.error !== undefined || live.results.length > 0).toBe(true);
      return firstError((live.error ?? live.results[0]?.errors) as Errors)?.message;
    };
    expect(await refusal('subscription { messageSent { cursor } }')).toBe(
      'Not allowed: Subscription.messageSent is for moderators or a user naming themselves. Subscribe with from: "carol" or to: "carol" to follow your own messages.',
    );
    expect(await refusal('subscription { userEvents { type } }')).toBe(
      'Not allowed: Subscription.userEvents is for moderators or admins (naming no users means everyone). Subscribe with usernames: ["carol"] to follow your own logins and logouts.',
    );
    expect(await refusal('subscription { channelEvents(channels: ["lobby"]) { type } }')).toBe(
      'Not allowed: Subscription.channelEvents is for users in channel "lobby". Subscribe with channels: [...] that carol has joined (the gateway reads joins and leaves from Signaling).',
    );
  });

  it('answer NOT_FOUND for a group that does not exist, before any FORBIDDEN, and domain errors without diagnostics', async () => {
    const { graphqlUrl, run } = await startInProcessRunner();
    const alice = await tokenFor('alice');
    const missing = await postGraphQL(graphqlUrl, 'mutation { addGroupAdmin(groupId: "999999999", username: "bob") { __typename } }', undefined, {
      token: alice,
    });
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ message: 'No group has the id 999999999', extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
    // An admin passes the rule; Agora's answer comes back as data, in Agora's words.
    const { addGroupAdmin } = await run<{ addGroupAdmin: { __typename: string; message: string; operation: string } }>(
      'mutation { addGroupAdmin(groupId: "999999999", username: "bob") { __typename ... on DomainError { message operation } } }',
    );
    expect(addGroupAdmin.__typename).toBe('NotFoundError');
    expect(addGroupAdmin.operation).toBe('chat.groups.addAdmin');
    expect(addGroupAdmin.message).not.toMatch(/^Agora|answered \d{3}|chat\.groups/);
  });
});
