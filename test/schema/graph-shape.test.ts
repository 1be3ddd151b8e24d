/**
 * The graph tells no small lies: a lookup of what does not exist is null, a private field denied nulls
 * itself and not its user, and the viewer's own view of reactions needs no name the token already carries.
 */
import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startInProcessRunner } from '../helpers/gateway.ts';

describe('the shape of answers', () => {
  it('answers null for a group or room that does not exist, as for a user', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const res = await postGraphQL(
      graphqlUrl,
      '{ group(groupId: "999999999") { name } room(roomId: "999999999") { name } user(username: "nobody") { username } }',
    );
    expect(res.body).toMatchObject({ data: { group: null, room: null, user: null } });
    expect(res.body.errors).toBeUndefined();
  });

  it("nulls a denied private field alone: another user's public fields still arrive", async () => {
    const { graphqlUrl } = await startInProcessRunner();
    const res = await postGraphQL(graphqlUrl, '{ user(username: "alice") { username contacts { username } blocked { username } } }', undefined, {
      token: await tokenFor('bob'),
    });
    expect(res.body.data).toEqual({ user: { username: 'alice', contacts: null, blocked: null } });
    expect(res.body.errors?.map((e) => [e.extensions?.code, (e as { path?: unknown }).path])).toEqual([
      ['FORBIDDEN', ['user', 'contacts']],
      ['FORBIDDEN', ['user', 'blocked']],
    ]);
  });

  it('reads reactions as the viewer by default; a service, which has no username, is asked to name one', async () => {
    const { graphqlUrl } = await startInProcessRunner();
    // The demo data's messages are in this hour's archive and the last one's.
    const hours = [new Date(), new Date(Date.now() - 3_600_000)].map((d) => d.toISOString());
    const query = (as: string) => `query ($hour: DateTime!) { chatHistory(hour: $hour) { messageId reactions${as} { reaction count } } }`;
    const read = async (as: string, token?: string) => {
      const answers = [];
      for (const hour of hours) answers.push((await postGraphQL(graphqlUrl, query(as), { hour }, token ? { token } : {})).body);
      return answers;
    };
    const asBob = (await read('(as: "bob")')).flatMap((b) => (b.data?.chatHistory as unknown[] | undefined) ?? []);
    const byDefault = (await read('', await tokenFor('bob', ['admin']))).flatMap((b) => (b.data?.chatHistory as unknown[] | undefined) ?? []);
    expect(asBob.length).toBeGreaterThan(0);
    expect(byDefault).toEqual(asBob);
    // (An hour without messages has no archive: NOT_FOUND. The demo data's hour has one.)
    const service = (await read('')).flatMap((b) => b.errors ?? []).filter((e) => e.extensions?.code !== 'NOT_FOUND');
    expect(service[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'as' } });
  });
});
