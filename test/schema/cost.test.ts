import { describe, expect, it } from 'vitest';
import { postGraphQL, startInProcessGateway } from '../helpers/gateway.ts';

type Cost = { predicted: number; estimated: boolean; actual: number; calls: Record<string, number> };

describe('extensions.cost', () => {
  it('predicts exactly what a query of known size costs', async () => {
    const { graphqlUrl, server } = await startInProcessGateway();
    const users = await postGraphQL(graphqlUrl, '{ users(first: 3) { edges { node { username nickname online } } } }');
    // One page of users (which carries their details), one batch of online states.
    expect(users.body.extensions?.cost).toEqual({
      predicted: 2,
      estimated: false,
      actual: 2,
      calls: { 'chat.users.list': 1, 'chat.users.batchStatus': 1 },
      cacheHits: 0,
      coalesced: 0,
    });

    const [group] = (await server.agora.chat!.groups.list()).items;
    const res = await postGraphQL(
      graphqlUrl,
      'query($id: String!) { group(groupId: $id) { owner { nickname online } members(first: 5) { edges { node { presence { online } } } } } }',
      { id: group!.id },
    );
    const cost = res.body.extensions?.cost as Cost;
    expect(cost).toMatchObject({ predicted: 5, estimated: false, actual: 5 });
    expect(cost.calls).toEqual({
      'chat.groups.details': 1,
      'chat.users.get': 1,
      'chat.users.batchStatus': 1,
      'chat.groups.members': 1,
      'chat.presence.getMany': 1,
    });
  });

  it('says when a prediction is an estimate', async () => {
    const { graphqlUrl } = await startInProcessGateway();
    const res = await postGraphQL(graphqlUrl, '{ user(username: "alice") { contacts { online } } }');
    const cost = res.body.extensions?.cost as Cost;
    // user, contacts, and one batch of online states for an estimated 10 contacts.
    expect(cost).toMatchObject({ predicted: 3, estimated: true, actual: 3 });
  });
});
