import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { authHeaders } from '../helpers/auth.ts';
import { startGateway, wsClient, wsQuery } from '../helpers/gateway.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders(url), ...headers },
    body: JSON.stringify({ query }),
  });
  return { header: res.headers.get('x-request-id'), body: (await res.json()) as { extensions?: { requestId?: string }; errors?: unknown[] } };
}

describe('request ids', () => {
  it('answer every HTTP response with an id, in the header and in extensions, taking the caller’s x-request-id when usable', async () => {
    const { graphqlUrl } = await startGateway();
    const fresh = await post(graphqlUrl, '{ health }');
    expect(fresh.header).toMatch(UUID);
    expect(fresh.body.extensions?.requestId).toBe(fresh.header);

    const given = await post(graphqlUrl, '{ health }', { 'x-request-id': 'trace-7f3a.1' });
    expect(given.header).toBe('trace-7f3a.1');
    expect(given.body.extensions?.requestId).toBe('trace-7f3a.1');

    // One that cannot go into a log line or a header as it is gets replaced.
    const unusable = await post(graphqlUrl, '{ health }', { 'x-request-id': 'x'.repeat(200) });
    expect(unusable.header).toMatch(UUID);

    // Request errors, answered before anything runs, carry it too.
    const invalid = await post(graphqlUrl, '{ nope }', { 'x-request-id': 'bad-document' });
    expect(invalid.body.errors).toHaveLength(1);
    expect(invalid.body.extensions?.requestId).toBe('bad-document');
  });

  it('answer every operation over WebSocket with an id of its own', async () => {
    const { graphqlUrl } = await startGateway();
    const client = wsClient(graphqlUrl);
    const a = (await wsQuery(client, '{ health }')) as { extensions?: { requestId?: string } };
    const b = (await wsQuery(client, '{ health }')) as { extensions?: { requestId?: string } };
    expect(a.extensions?.requestId).toMatch(UUID);
    expect(b.extensions?.requestId).toMatch(UUID);
    expect(a.extensions?.requestId).not.toBe(b.extensions?.requestId);
  });

  it('is on every log line written while the request is served', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const { graphqlUrl, server } = await startGateway({ AGORA_RETRY_UNIT_MS: '5' }, { logger: createLogger('debug', sink) });
    // An upstream call that fails: the client logs its attempts while serving the request.
    await fetch(`${server.emulator!.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'chat.users.get', status: 503, times: 5 }),
    });
    lines.length = 0;
    await post(graphqlUrl, '{ user(username: "alice") { nickname } }', { 'x-request-id': 'traced-request' });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatchObject({ requestId: 'traced-request' });
  });
});
