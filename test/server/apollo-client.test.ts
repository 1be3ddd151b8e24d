/**
 * Apollo Client 4 as a frontend team configures it: queries as GET (`useGETForQueries`) with a token,
 * and Apollo's persisted-query link (hashes sent first, as GET) against a gateway that runs persisted
 * operations only.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { authHeaders, tokenFor } from '../helpers/auth.ts';
import { startGateway } from '../helpers/gateway.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A fetch that records each request's method, then sends it. */
function recordingFetch(methods: string[]): typeof fetch {
  return (input, init) => {
    methods.push(init?.method ?? 'GET');
    return fetch(input, init);
  };
}

describe('Apollo Client', () => {
  it('runs queries sent as GET with a token (useGETForQueries), and mutations as POST', async () => {
    const { graphqlUrl } = await startGateway();
    const methods: string[] = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({
        uri: graphqlUrl,
        useGETForQueries: true,
        headers: { authorization: `Bearer ${await tokenFor('alice')}` },
        fetch: recordingFetch(methods),
      }),
    });
    const { data } = await client.query({ query: gql('{ viewer { username } }') });
    expect(data).toEqual({ viewer: { __typename: 'User', username: 'alice' } });
    const sent = await client.mutate({ mutation: gql('mutation { sendPeerMessage(input: { from: "alice", to: "bob", payload: "hi" }) { status } }') });
    expect(sent.data).toMatchObject({ sendPeerMessage: { status: expect.any(String) } });
    expect(methods).toEqual(['GET', 'POST']);
  });

  it("runs a persisted operation through Apollo's persisted-query link, by hash over GET", async () => {
    const query = gql('query Health { health }');
    const document = print(query);
    const dir = mkdtempSync(join(tmpdir(), 'apollo-persisted-'));
    writeFileSync(join(dir, 'operations.json'), JSON.stringify({ [`sha256:${sha256(document)}`]: document }));
    const { graphqlUrl } = await startGateway({ PERSISTED_OPERATIONS: join(dir, 'operations.json') });
    const methods: string[] = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
        new HttpLink({ uri: graphqlUrl, headers: authHeaders(graphqlUrl), fetch: recordingFetch(methods) }),
      ),
    });
    const { data } = await client.query({ query });
    expect(data).toEqual({ health: 'ok' });
    // The hash alone, as a GET: the document's text never travelled.
    expect(methods).toEqual(['GET']);
  });
});
