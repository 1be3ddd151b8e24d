/**
 * The gateway as a Federation subgraph (FEDERATION=on): its SDL, a supergraph composed with Hive's composer
 * (@theguild/federation-composition) beside a second subgraph that extends `User`, a query through Hive
 * Gateway that joins both, and what `_entities` costs upstream.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { FEDERATION_SPEC_URL, MAX_REPRESENTATIONS } from '../../src/schema/federation.ts';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGatewayRunner, startInProcessRunner } from '../helpers/gateway.ts';
import { leftover } from '../helpers/leftovers.ts';

/** A second team's subgraph: reviews of users, keyed as the gateway keys them. */
async function startReviews(): Promise<string> {
  const typeDefs = parse(`
    extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])
    type Query { topReviewers: [User!]! }
    type User @key(fields: "username") { username: String! reviewCount: Int! }
  `);
  const reviews: Record<string, number> = { alice: 3, bob: 1 };
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: { topReviewers: () => Object.keys(reviews).map((username) => ({ username })) },
      User: {
        __resolveReference: (ref: { username: string }) => ref,
        reviewCount: (user: { username: string }) => reviews[user.username] ?? 0,
      },
    },
  });
  const server = leftover(createServer(createYoga({ schema, graphqlEndpoint: '/graphql', logging: false })), (s) => void s.close());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const sdlOf = async (graphqlUrl: string) => ((await postGraphQL(graphqlUrl, '{ _service { sdl } }')).body.data as { _service: { sdl: string } })._service.sdl;

describe('the federation subgraph', () => {
  it('is off by default: the plain schema has no _service nor _entities', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const res = await postGraphQL(graphqlUrl, '{ _service { sdl } }');
    expect(res.body.errors?.[0]?.message).toMatch(/Cannot query field "_service"/);
  });

  it("with FEDERATION=on, answers _service { sdl } with the entities' keys and the Federation version it links", async () => {
    const { graphqlUrl } = await startInProcessRunner({ FEDERATION: 'on' });
    const sdl = await sdlOf(graphqlUrl);
    expect(sdl).toContain(`@link(url: "${FEDERATION_SPEC_URL}", import: ["@key"])`);
    expect(FEDERATION_SPEC_URL).toBe('https://specs.apollo.dev/federation/v2.9');
    expect(sdl).toMatch(/type User implements Node\s+@key\(fields: "username"\)/);
    expect(sdl).toMatch(/type Group implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "groupId"\)/);
    expect(sdl).toMatch(/type Room implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "roomId"\)/);
  });

  it('composes with a second subgraph that extends User (Hive composition), and Hive Gateway joins both in one query', async () => {
    const { graphqlUrl } = await startGatewayRunner({ FEDERATION: 'on' });
    const reviewsUrl = await startReviews();
    const composed = composeServices([
      { name: 'agora', typeDefs: parse(await sdlOf(graphqlUrl)), url: graphqlUrl },
      { name: 'reviews', typeDefs: parse(await sdlOf(reviewsUrl)), url: reviewsUrl },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    expect(composed.publicSdl).toMatch(/reviewCount: Int!/);

    const gateway = leftover(
      createGatewayRuntime({
        supergraph: composed.supergraphSdl!,
        // The caller's token goes to every subgraph: the agora-graphql subgraph applies its own rules.
        propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? '' }) },
        logging: false,
      }),
      (g) => g.dispose(),
    );
    const res = await gateway.fetch('http://supergraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor('carol')}` },
      body: JSON.stringify({ query: '{ topReviewers { username reviewCount nickname } }' }),
    });
    expect(await res.json()).toEqual({
      data: {
        topReviewers: [
          { username: 'alice', reviewCount: 3, nickname: 'Alice Martin' },
          { username: 'bob', reviewCount: 1, nickname: 'Bob Chen' },
        ],
      },
    });
  });

  it('resolves _entities for 100 users with the least upstream calls their fields need: one batch read of online status, one profile read per user', async () => {
    const { graphqlUrl, control, chat } = await startInProcessRunner({ FEDERATION: 'on', LIMIT_MAX_UPSTREAM_CALLS: '500' });
    const names = Array.from({ length: 100 }, (_, i) => `entity${i}`);
    // Agora registers at most 60 users per call.
    for (let i = 0; i < names.length; i += 50) await chat.users.registerMany(names.slice(i, i + 50).map((username) => ({ username })));
    const representations = names.map((username) => ({ __typename: 'User', username }));
    const entities = (selection: string) =>
      postGraphQL(graphqlUrl, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${selection} } } }`, { r: representations });

    await control.clearCalls();
    const online = await entities('username online');
    expect(online.body.errors).toBeUndefined();
    expect((online.body.data!._entities as unknown[]).length).toBe(100);
    // A reference is resolved without a call; Agora's batch status read takes 100 users.
    expect(await control.calls()).toMatchObject({ 'chat.users.batchStatus': { total: 1 } });
    expect(await control.callCount('chat.users.get')).toBe(0);

    await control.clearCalls();
    expect((await entities('nickname')).body.errors).toBeUndefined();
    // Agora has no batch read of user profiles: one call per user is the least.
    expect(await control.callCount('chat.users.get')).toBe(100);
  });

  it('resolves _entities for 100 groups, by Agora id or by global id, with one details read per 100 (Agora’s batch maximum)', async () => {
    const { graphqlUrl, control, server } = await startInProcessRunner({ FEDERATION: 'on', LIMIT_MAX_UPSTREAM_CALLS: '500' });
    const ids = Array.from(
      { length: 100 },
      (_, i) => server.emulator!.state.chat.addCollective('group', { name: `Team ${i}`, owner: 'alice', members: [], maxUsers: 50 }).id,
    );
    const byAgoraId = ids.map((groupId) => ({ __typename: 'Group', groupId }));
    const byGlobalId = ids.map((id) => ({ __typename: 'Group', id: Buffer.from(`Group:${id}`).toString('base64') }));
    for (const representations of [byAgoraId, byGlobalId]) {
      await control.clearCalls();
      const res = await postGraphQL(graphqlUrl, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { groupId name } } }', {
        r: representations,
      });
      expect(res.body.errors).toBeUndefined();
      expect((res.body.data!._entities as { name: string }[]).map((g) => g.name)).toEqual(ids.map((_, i) => `Team ${i}`));
      expect(await control.callCount('chat.groups.details')).toBe(1);
    }
  });

  it('refuses a reference that breaks Agora’s id rules, and too many representations, before any call', async () => {
    const { graphqlUrl, control } = await startInProcessRunner({ FEDERATION: 'on' });
    await control.clearCalls();
    const bad = await postGraphQL(graphqlUrl, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { nickname } } }', {
      r: [{ __typename: 'User', username: 'not a username!' }],
    });
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations' });
    const many = await postGraphQL(graphqlUrl, 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { username } } }', {
      r: Array.from({ length: MAX_REPRESENTATIONS + 1 }, (_, i) => ({ __typename: 'User', username: `u${i}` })),
    });
    expect(many.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'representations' });
    expect(await control.calls()).toEqual({});
  });
});
