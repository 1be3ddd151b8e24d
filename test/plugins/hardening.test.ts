import { request } from 'node:http';
import { Client, fetchExchange } from '@urql/core';
import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { agoraEnvironment, requestCalls, startEmulator } from '../helpers/agora.ts';
import { authHeaders, tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGateway, wsClient, wsQuery } from '../helpers/gateway.ts';

const codeOf = (res: Awaited<ReturnType<typeof postGraphQL>>) => res.body.errors?.[0]?.extensions?.code;
const members = (inner: string) => `members(first: 2) { edges { node { ${inner} } } }`;
const joined = (inner: string) => `joinedGroups(first: 2) { edges { node { ${inner} } } }`;

/** The gateway configured for Agora (here the emulator as Agora), where nothing is explained. */
async function productionLike() {
  const { emulator } = await startEmulator();
  return startGateway(agoraEnvironment(emulator));
}

describe('what no request can do to the gateway', () => {
  it('refuses a query nested past the depth limit, also through fragments, also through one named __schema', async () => {
    const { graphqlUrl } = await startGateway();
    const deep = `{ user(username: "alice") { ${joined(members(joined(members('username'))))} } }`;
    const refused = await postGraphQL(graphqlUrl, deep);
    expect(refused.body.errors?.[0]?.message).toMatch(/depth limit of 10 exceeded/);
    const viaFragment = `{ user(username: "alice") { ${joined(members('...__schema'))} } }\nfragment __schema on User { ${joined(members('username'))} }`;
    expect((await postGraphQL(graphqlUrl, viaFragment)).body.errors?.[0]?.message).toMatch(/depth limit/);
    // Depth counts fields: a chain of fragments that adds no field adds no depth.
    const flat = ['{ ...F0 }', ...Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} }`), 'fragment F12 on Query { health }'].join(
      '\n',
    );
    expect((await postGraphQL(graphqlUrl, flat)).body.data).toEqual({ health: 'ok' });
  });

  it('refuses an alias flood, a fragment cycle and a huge document, before anything runs', async () => {
    const { graphqlUrl } = await startGateway();
    const aliases = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: health`).join(' ')} }`;
    expect((await postGraphQL(graphqlUrl, aliases)).body.errors?.[0]?.message).toMatch(/Aliases limit of 30 exceeded/);
    const cycle = await postGraphQL(graphqlUrl, '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
    expect(codeOf(cycle)).toBe('GRAPHQL_VALIDATION_FAILED');
    const manyTokens = `{ ${Array.from({ length: 6000 }, () => 'health').join(' ')} }`;
    expect((await postGraphQL(graphqlUrl, manyTokens)).body.errors?.[0]?.message).toMatch(/Token limit of 5000 exceeded/);
    const huge = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query: `{ health } # ${'x'.repeat(2_100_000)}` }),
    });
    expect(huge.status).toBe(413);
    // A body of no declared length cannot be measured before yoga reads it: refused with 411.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        graphqlUrl,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...authHeaders(graphqlUrl) } },
        (res) => (res.resume(), resolve(res.statusCode ?? 0)),
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ health }' }));
    });
    expect(chunked).toBe(411);
  });

  it('holds the same limits over WebSocket', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    const aliases = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: health`).join(' ')} }`;
    await expect(wsQuery(client, aliases)).rejects.toEqual([expect.objectContaining({ message: expect.stringMatching(/Aliases limit of 30 exceeded/) })]);
    const bomb = await wsQuery(
      client,
      '{ users(first: 1000) { edges { node { joinedGroups(first: 100) { edges { node { members(first: 100) { edges { node { online } } } } } } } } } }',
    );
    expect(bomb.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ reason: 'COST_LIMIT' }) })]);
  });

  it('refuses a cost bomb over connections by arithmetic, naming the argument, with no call made', async () => {
    const { graphqlUrl, server } = await startGateway();
    const control = createEmulatorControl(server.emulator!.url);
    await control.clearCalls();
    const bomb =
      '{ users(first: 1000) { edges { node { joinedGroups(first: 100) { edges { node { members(first: 100) { edges { node { online } } } } } } } } } }';
    const res = await postGraphQL(graphqlUrl, bomb);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', field: 'first' });
    expect(res.body.errors?.[0]?.message).toMatch(/costs too much: it would take \d+ upstream calls \(at most 100\)/);
    expect(await requestCalls(control)).toEqual({});
  });

  it('refuses a cross-site form POST and a simple GET that carry neither the CSRF header nor credentials, naming the header', async () => {
    const { graphqlUrl } = await startGateway();
    const form = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=mutation%20%7B%20banUser(username%3A%22bob%22)%20%7B%20username%20%7D%20%7D',
    });
    expect(form.status).toBe(403);
    expect(await form.json()).toMatchObject({ errors: [{ message: expect.stringContaining('x-graphql-csrf: 1'), extensions: { code: 'FORBIDDEN' } }] });
    const get = await fetch(`${graphqlUrl}?query=%7B%20health%20%7D`);
    expect(get.status).toBe(403);
    expect(await get.json()).toMatchObject({ errors: [{ message: expect.stringContaining('x-graphql-csrf'), extensions: { code: 'FORBIDDEN' } }] });
    const withHeader = await fetch(`${graphqlUrl}?query=%7B%20health%20%7D`, { headers: { 'x-graphql-csrf': '1' } });
    expect(await withHeader.json()).toMatchObject({ data: { health: 'ok' } });
  });

  it('runs a GET that carries credentials, which no page can send without a preflight: an API key, or a token as urql 6 sends it by default', async () => {
    const { graphqlUrl } = await startGateway();
    const withKey = await fetch(`${graphqlUrl}?query=%7B%20health%20%7D`, { headers: authHeaders(graphqlUrl) });
    expect(await withKey.json()).toMatchObject({ data: { health: 'ok' } });
    // urql's defaults: queries as GET within the URL limit, the token in fetchOptions.
    const sent: string[] = [];
    const urql = new Client({
      url: graphqlUrl,
      exchanges: [fetchExchange],
      fetch: (input, init) => {
        sent.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
      fetchOptions: { headers: { authorization: `Bearer ${await tokenFor('alice')}` } },
    });
    const result = await urql.query('{ viewer { username } }', {}).toPromise();
    expect(sent).toEqual(['GET']);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ viewer: { username: 'alice' } });
  });

  it('outside emulator mode: no introspection, no field suggestions, no limits disclosed', async () => {
    const { graphqlUrl } = await productionLike();
    const introspection = await postGraphQL(graphqlUrl, '{ __schema { types { name } } }');
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await postGraphQL(graphqlUrl, '{ helth }');
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const aliases = await postGraphQL(graphqlUrl, `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: health`).join(' ')} }`);
    expect(aliases.body.errors?.[0]?.message).not.toMatch(/\d/);
  });

  it('with introspection on, runs the introspection query GraphiQL and codegen send, and refuses one nested deeper', async () => {
    const { graphqlUrl } = await startGateway();
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const answered = await postGraphQL(graphqlUrl, full);
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data).toHaveProperty('__schema.queryType.name', 'Query');
    const deep = `{ __schema { types { fields { type { ${'ofType { '.repeat(40)}name${' }'.repeat(40)} } } } } }`;
    const refused = await postGraphQL(graphqlUrl, deep);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.message).toMatch(/^The introspection query is too deep \(45 levels from `__schema`, at most 20\)/);
    expect(refused.body.data).toBeUndefined();
  });

  it('refuses a document larger than LIMIT_MAX_DOCUMENT_BYTES before parsing it, comments included', async () => {
    const { graphqlUrl } = await startGateway({ LIMIT_MAX_DOCUMENT_BYTES: '50000' });
    const padded = `${'# a comment that no token limit counts\n'.repeat(2_000)}{ health }`;
    const refused = await postGraphQL(graphqlUrl, padded);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^The document is too large \(at most 50000 bytes\)/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect((await postGraphQL(graphqlUrl, `${'# short\n'.repeat(10)}{ health }`)).body.data).toEqual({ health: 'ok' });
  });

  it('in emulator mode: introspection and suggestions help the developer', async () => {
    const { graphqlUrl } = await startGateway();
    expect((await postGraphQL(graphqlUrl, '{ __schema { queryType { name } } }')).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await postGraphQL(graphqlUrl, '{ helth }')).body.errors?.[0]?.message).toMatch(/Did you mean "health"/);
  });
});
