import { Writable } from 'node:stream';
import { Kind, type DefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { authHeaders } from '../helpers/auth.ts';
import { postGraphQL, startGateway } from '../helpers/gateway.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...authHeaders(url) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] },
  };
}

describe('request errors are the client’s, and say so', () => {
  it('answers a variable of the wrong type with 400 and BAD_USER_INPUT naming the variable', async () => {
    const { graphqlUrl } = await startGateway();
    const res = await post(graphqlUrl, 'query($n: Int!) { users(first: $n) { edges { cursor } } }', { n: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Variable "\$n" got invalid value "abc"; Int cannot represent/),
        extensions: { code: 'BAD_USER_INPUT', variable: 'n' },
      }),
    ]);
  });

  it('names each missing field of an input variable, and an invalid DateTime', async () => {
    const { graphqlUrl } = await startGateway();
    const missing = await post(graphqlUrl, 'mutation($i: ReactionInput!) { addReaction(input: $i) }', { i: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('Field "messageId" of required type "String!" was not provided')]),
    );
    expect(missing.body.errors?.every((e) => e.extensions?.code === 'BAD_USER_INPUT' && e.extensions.variable === 'i')).toBe(true);
    const date = await post(graphqlUrl, 'query($h: DateTime!) { chatHistory(hour: $h) { messageId } }', { h: 'not-a-date' });
    expect(date.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', variable: 'h' });
  });

  it('refuses global ids this API never gave out, naming the argument, and answers null for one that names nothing', async () => {
    const { graphqlUrl } = await startGateway();
    for (const [id, reason] of [
      ['garbage', /is not a global id/],
      ['', /is not a global id/],
      [base64('Foo:1'), /type "Foo", which has no global ids/],
      [base64('User:Not Valid!'), /is of a User, but username may contain only/],
    ] as const) {
      const one = await postGraphQL(graphqlUrl, 'query($id: ID!) { node(id: $id) { id } }', { id });
      expect(one.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(reason), extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
      const many = await postGraphQL(graphqlUrl, 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [base64('User:alice'), id] });
      expect(many.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'ids' } });
    }
    const none = await postGraphQL(graphqlUrl, 'query($id: ID!) { node(id: $id) { id } }', { id: base64('User:nobody') });
    expect(none.body).toMatchObject({ data: { node: null } });
    expect(none.body.errors).toBeUndefined();
    const group = await postGraphQL(graphqlUrl, 'query($id: ID!) { node(id: $id) { id } }', { id: base64('Group:999999') });
    expect(group.body.errors).toBeUndefined();
    expect(group.body.data).toEqual({ node: null });
  });

  it('answers a document of 30 fragments, each spreading the next twice, as graphql-js executes it', async () => {
    const { graphqlUrl } = await startGateway();
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const document = ['{ ...F0 }', ...fragments, 'fragment F30 on Query { health }'].join('\n');
    const res = await post(graphqlUrl, document);
    expect(res.body).toMatchObject({ data: { health: 'ok' } });
    expect(res.body.errors).toBeUndefined();
  });
});

describe('INTERNAL', () => {
  it('is kept for our own bugs: logged with its stack under an id that the response carries too', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const bug: Plugin = {
      onExecute({ args }) {
        if (args.document.definitions.some((d: DefinitionNode) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === 'Buggy'))
          throw new TypeError('cannot read properties of undefined (a bug of ours)');
      },
    };
    const { graphqlUrl } = await startGateway({}, { logger: createLogger('error', sink), plugins: [bug] });
    const res = await postGraphQL(graphqlUrl, 'query Buggy { health }');
    const error = res.body.errors?.[0];
    expect(error?.message).toBe('Unexpected error.');
    expect(error?.extensions).toMatchObject({ code: 'INTERNAL', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const logged = lines.map((l) => JSON.parse(l) as { errorId?: string; err?: { stack?: string } }).find((l) => l.errorId === error?.extensions?.errorId);
    expect(logged?.err?.stack).toContain('a bug of ours');
  });
});
