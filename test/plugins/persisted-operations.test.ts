import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { createClient as createSseClient } from 'graphql-sse';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../../codegen.ts';
import { ConfigError } from '../../src/config.ts';
import { loadPersistedOperations } from '../../src/plugins/use-persisted-operations.ts';
import { authHeaders } from '../helpers/auth.ts';
import { startGateway, wsClient } from '../helpers/gateway.ts';
import { leftover } from '../helpers/leftovers.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HEALTH = 'query Health { health }';
const BEAT = 'subscription Beat { heartbeat(intervalSeconds: 1) { sequence } }';

function manifest(entries: Record<string, string>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'persisted-')), 'operations.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...authHeaders(url) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

describe('persisted operations only', () => {
  it('runs the operations of the manifest by hash, over HTTP and WebSocket, and refuses any other document', async () => {
    const path = manifest({ [sha256(HEALTH)]: HEALTH, [sha256(BEAT)]: BEAT });
    const { graphqlUrl } = await startGateway({ PERSISTED_OPERATIONS: path });
    expect((await post(graphqlUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(HEALTH) } } })).body).toMatchObject({
      data: { health: 'ok' },
    });
    const arbitrary = await post(graphqlUrl, { query: '{ health }' });
    expect(arbitrary.status).toBe(400);
    expect(arbitrary.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_ONLY' });
    const unknown = await post(graphqlUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ users { edges { cursor } } }') } } });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_NOT_FOUND' });

    const client = wsClient(graphqlUrl);
    const beat = await new Promise<unknown>((resolve, reject) => {
      const stop = client.subscribe(
        { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BEAT) } } },
        { next: (r) => (stop(), resolve(r.data)), error: reject, complete: () => undefined },
      );
    });
    expect(beat).toEqual({ heartbeat: { sequence: 1 } });
    const refused = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: 'subscription { heartbeat { sequence } }' }, { next: () => undefined, error: resolve, complete: () => undefined });
    });
    expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ reason: 'PERSISTED_QUERY_ONLY' }) })]);

    // graphql-sse's single connection: the same manifest, the same refusal.
    const sse = leftover(createSseClient({ url: graphqlUrl, singleConnection: true, retryAttempts: 0, headers: authHeaders(graphqlUrl) }), (c) => c.dispose());
    const overSse = (request: { query: string; extensions?: Record<string, unknown> }) =>
      new Promise<unknown>((resolve, reject) => {
        const stop = sse.subscribe(request, { next: (r) => (stop(), resolve(r)), error: reject, complete: () => undefined });
      });
    expect(await overSse({ query: '', extensions: { persistedQuery: { version: 1, sha256Hash: sha256(BEAT) } } })).toMatchObject({
      data: { heartbeat: { sequence: 1 } },
    });
    expect(await overSse({ query: 'subscription { heartbeat { sequence } }' })).toMatchObject({
      errors: [{ extensions: { reason: 'PERSISTED_QUERY_ONLY' } }],
    });
  });

  it('refuses a manifest whose keys are not the hashes of their documents', () => {
    expect(() => loadPersistedOperations(manifest({ [sha256('{ other }')]: HEALTH }))).toThrow(ConfigError);
    expect(() => loadPersistedOperations(manifest({ [sha256('{ other }')]: HEALTH }))).toThrow(/is not the SHA-256 of its document/);
  });

  it("runs the manifest GraphQL Code Generator's client preset writes (persistedDocuments: true), by documentId at the top, in extensions and in a GET", async () => {
    // The preset itself writes the manifest, from the operations the suite's typed documents come from.
    const dir = mkdtempSync(join(tmpdir(), 'preset-'));
    const outputs = (await generate(
      { ...codegenConfig, generates: { [`${dir}/`]: { preset: 'client', presetConfig: { fragmentMasking: false, persistedDocuments: true } } }, silent: true },
      false,
    )) as { filename: string; content: string }[];
    const written = outputs.find((o) => o.filename.endsWith('persisted-documents.json'))!;
    const ids = Object.keys(JSON.parse(written.content) as Record<string, string>);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
    const path = join(dir, 'persisted-documents.json');
    writeFileSync(path, written.content);
    const members = ids.find((id) => JSON.parse(written.content)[id].includes('query GroupMembers'))!;

    const { graphqlUrl, server } = await startGateway({ PERSISTED_OPERATIONS: path });
    const [group] = (await server.agora.chat!.groups.list()).items;
    const variables = { id: group!.id, first: 2 };
    const top = await post(graphqlUrl, { documentId: members, variables });
    expect(top.body).toMatchObject({ data: { group: { name: 'Product team' } } });
    const inExtensions = await post(graphqlUrl, { extensions: { documentId: members }, variables });
    expect(inExtensions.body).toMatchObject({ data: { group: { name: 'Product team' } } });
    const query = new URLSearchParams({ documentId: members, variables: JSON.stringify(variables) });
    const get = await fetch(`${graphqlUrl}?${query}`, { headers: authHeaders(graphqlUrl) });
    expect(await get.json()).toMatchObject({ data: { group: { name: 'Product team' } } });
    const unknown = await post(graphqlUrl, { documentId: `sha256:${sha256('{ health }')}` });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_NOT_FOUND' });
  }, 60_000);
});
