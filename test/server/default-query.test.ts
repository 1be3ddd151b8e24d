import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../../src/app.ts';
import { postGraphQL, startGateway } from '../helpers/gateway.ts';

describe("GraphiQL's page and its default query", () => {
  it('serves GraphiQL to browsers, with a default query that runs', async () => {
    const { graphqlUrl } = await startGateway();
    const res = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('agora-graphql');
    expect(html).toContain('query Tour');
  });

  it("GraphiQL's default query runs against the demo data without errors", async () => {
    const { graphqlUrl } = await startGateway();
    const res = await postGraphQL(graphqlUrl, DEFAULT_QUERY);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ agoraMode: 'EMULATOR', user: { nickname: 'Alice Martin' } });
  });
});
