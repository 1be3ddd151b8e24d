import { parse, print, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { predictCost } from '../../src/schema/common/cost.ts';
import { schema } from '../../src/schema/index.ts';
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

describe('predictions of a document already seen', () => {
  const predict = (document: DocumentNode, variables: Record<string, unknown>, signedIn = false) =>
    predictCost(schema, document, variables, undefined, signedIn);

  it('walks a document once for every value of a variable the prediction does not read', () => {
    const document = parse('query($u: String!) { user(username: $u) { nickname joinedGroups(first: 5) { edges { node { name } } } } }');
    const first = predict(document, { u: 'alice' });
    expect(predict(document, { u: 'bob' })).toBe(first);
    expect(predict(document, { u: 'carol' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('predicts again for each value of a variable it reads, and for a signed-in viewer', () => {
    const document = parse(
      'query($n: Int, $before: String) { users(first: $n) { edges { node { online } } } rooms(first: 2, before: $before) { edges { node { name } } } }',
    );
    const small = predict(document, { n: 3 });
    const large = predict(document, { n: 100 });
    expect(large.objects).toBeGreaterThan(small.objects);
    expect(predict(document, { n: 3 })).toEqual(small);
    // `before: null` is a value (the walk reads it), not an absent variable.
    expect(small.estimated).toBe(false);
    expect(predict(document, { n: 3, before: null })).toMatchObject({ estimated: true });
    expect(predict(document, { n: 3, before: null })).toEqual(predict(parse(print(document)), { n: 3, before: null }));
    const viewer = parse('{ viewer { nickname } }');
    expect(predict(viewer, {}, true).objects).not.toBe(predict(viewer, {}, false).objects);
  });
});
