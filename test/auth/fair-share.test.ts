import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startInProcessGateway } from '../helpers/gateway.ts';

describe("fair share of Agora's budget", () => {
  it("one client flooding the gateway does not make another client's requests fail", async () => {
    const { graphqlUrl } = await startInProcessGateway({ FAIR_OPERATIONS_PER_SECOND: '20', FAIR_UPSTREAM_CALLS_PER_SECOND: '20' });
    const [flooder, bystander] = [await tokenFor('mallory'), await tokenFor('alice')];
    const flood = Array.from({ length: 200 }, () => postGraphQL(graphqlUrl, '{ user(username: "bob") { online } }', undefined, { token: flooder }));
    const quiet = Array.from({ length: 10 }, () => postGraphQL(graphqlUrl, '{ user(username: "carol") { online } }', undefined, { token: bystander }));
    const [flooded, answered] = [await Promise.all(flood), await Promise.all(quiet)];
    const refused = flooded.filter((r) => r.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(refused.length).toBeGreaterThan(100);
    expect(refused[0]!.body.errors![0]!.extensions).toMatchObject({ reason: 'FAIR_SHARE', retryAfter: expect.any(Number) });
    expect(answered.map((r) => r.body.errors)).toEqual(answered.map(() => undefined));
  });

  it('anonymous callers share by address, and their refused operations never reach Agora', async () => {
    const { graphqlUrl } = await startInProcessGateway({ FAIR_OPERATIONS_PER_SECOND: '5' });
    const results = await Promise.all(Array.from({ length: 20 }, () => postGraphQL(graphqlUrl, '{ health }', undefined, { token: null })));
    const codes = results.map((r) => r.body.errors?.[0]?.extensions?.code ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBe(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBe(15);
  });
});
