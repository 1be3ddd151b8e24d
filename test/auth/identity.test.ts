import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { agoraEnvironment, requestCalls, startEmulator } from '../helpers/agora.ts';
import { TEST_API_KEY, TEST_JWT_SECRET, tokenFor } from '../helpers/auth.ts';
import { postGraphQL, startGateway, wsClient, wsQuery } from '../helpers/gateway.ts';
import { leftover } from '../helpers/leftovers.ts';

const sign = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

const codeOf = (res: Awaited<ReturnType<typeof postGraphQL>>) => res.body.errors?.[0]?.extensions?.code;

describe('who is asking, over HTTP', () => {
  it('anonymous callers get health and nothing else; a signed-in user is their Agora username', async () => {
    const { graphqlUrl } = await startGateway();
    expect((await postGraphQL(graphqlUrl, '{ health }', undefined, { token: null })).body.data).toEqual({ health: 'ok' });
    const denied = await postGraphQL(graphqlUrl, '{ agoraMode }', undefined, { token: null });
    expect(codeOf(denied)).toBe('UNAUTHENTICATED');
    expect(denied.body.errors?.[0]?.message).toMatch(/Sign in to use Query\.agoraMode/);
    const alice = await tokenFor('alice');
    expect((await postGraphQL(graphqlUrl, '{ viewer { username } }', undefined, { token: alice })).body.data).toEqual({ viewer: { username: 'alice' } });
  });

  it.each([
    ['an expired token', async () => sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ['a token signed with another secret', async () => sign({ sub: 'alice' }, 'another-secret-that-is-long-enough-0123456789'), /signature does not verify/],
    ['an unsigned token (alg: none)', async () => new UnsecuredJWT({ sub: 'alice' }).encode(), /algorithm|not a valid JWT/],
    ['a token whose subject is no username', async () => sign({ sub: 'not a username!' }), /subject must be an Agora username/],
    ['a malformed header', async () => 'not-a-jwt', /not a valid JWT/],
  ])('refuses %s with 401 UNAUTHENTICATED, never treating it as anonymous', async (_what, make, message) => {
    const { graphqlUrl } = await startGateway();
    const res = await postGraphQL(graphqlUrl, '{ health }', undefined, { token: await make() });
    expect(res.status).toBe(401);
    expect(codeOf(res)).toBe('UNAUTHENTICATED');
    expect(res.body.errors?.[0]?.message).toMatch(message);
  });

  it('checks issuer and audience when configured', async () => {
    const { graphqlUrl } = await startGateway({ AUTH_JWT_ISSUER: 'https://id.example', AUTH_JWT_AUDIENCE: 'agora-graphql' });
    const good = await sign({ sub: 'alice', iss: 'https://id.example', aud: 'agora-graphql' });
    const wrong = await sign({ sub: 'alice', iss: 'https://evil.example', aud: 'agora-graphql' });
    expect((await postGraphQL(graphqlUrl, '{ viewer { username } }', undefined, { token: good })).body.data).toEqual({ viewer: { username: 'alice' } });
    const refused = await postGraphQL(graphqlUrl, '{ health }', undefined, { token: wrong });
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.message).toMatch(/iss claim/);
  });

  it('verifies tokens against a JWKS, and picks up a rotated key', async () => {
    const keys = [await generateKeyPair('ES256', { extractable: true }), await generateKeyPair('ES256', { extractable: true })];
    let published = [keys[0]!];
    const jwks = leftover(
      createServer(async (_req, res) => {
        const list = await Promise.all(
          published.map(async (k, i) => ({ ...(await exportJWK(k.publicKey)), kid: `key-${keys.indexOf(k)}`, alg: 'ES256', use: 'sig', i })),
        );
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: list }));
      }),
      (s) => new Promise((resolve) => s.close(resolve)),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const { graphqlUrl } = await startGateway({ AUTH_JWKS_URL: url, AUTH_JWKS_COOLDOWN_MS: '1000' });
    const tokenWith = (index: number) =>
      new SignJWT({ sub: 'bob' })
        .setProtectedHeader({ alg: 'ES256', kid: `key-${index}` })
        .setExpirationTime('5m')
        .sign(keys[index]!.privateKey);
    const first = await postGraphQL(graphqlUrl, '{ viewer { username } }', undefined, { token: await tokenWith(0) });
    expect(first.body, JSON.stringify(first.body)).toMatchObject({ data: { viewer: { username: 'bob' } } });
    // The issuer rotates: a token names a key the cached set does not hold, and the set is fetched again.
    published = [keys[0]!, keys[1]!];
    // Within the cooldown the set is not fetched again (a flood of unknown kids cannot make it hammer the issuer).
    expect((await postGraphQL(graphqlUrl, '{ health }', undefined, { token: await tokenWith(1) })).body.errors?.[0]?.message).toMatch(/No key of the JWKS/);
    // The cooldown is a second: a loaded machine can take more than 100 ms between the two requests above.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await postGraphQL(graphqlUrl, '{ viewer { username } }', undefined, { token: await tokenWith(1) })).body.data).toEqual({
      viewer: { username: 'bob' },
    });
  });

  it('takes a service API key (admin, acting as no user), and refuses an unknown one', async () => {
    const { graphqlUrl } = await startGateway();
    const withKey = async (key: string) =>
      (
        await fetch(graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify({ query: '{ viewer { username } agoraMode }' }),
        })
      ).json();
    expect(await withKey(TEST_API_KEY)).toMatchObject({ data: { viewer: null, agoraMode: 'EMULATOR' } });
    expect(await withKey('guess')).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED' }, message: 'The API key is not known to this gateway' }],
    });
  });
});

describe('running without authentication', () => {
  it('is possible outside emulator mode only when AUTH_DISABLED=true says so, and it is logged loudly', async () => {
    const { emulator } = await startEmulator();
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const { graphqlUrl } = await startGateway(
      { ...agoraEnvironment(emulator), AUTH_DISABLED: 'true', AUTH_JWT_SECRET: '', AUTH_API_KEY_HASHES: '' },
      { logger: createLogger('info', sink) },
    );
    expect(lines.some((l) => JSON.parse(l).level === 40 && /AUTH_DISABLED=true: authentication is off/.test(JSON.parse(l).msg))).toBe(true);
    expect((await postGraphQL(graphqlUrl, '{ agoraMode }', undefined, { token: null })).body.data).toEqual({ agoraMode: 'AGORA' });
  });
});

describe('who is asking, over WebSocket', () => {
  /** The close code of a raw graphql-ws connection that sends `init` as its connection_init payload. */
  async function closeCodeOf(graphqlUrl: string, init: Record<string, unknown> | undefined, headers: Record<string, string> = {}): Promise<number> {
    const socket = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers }), (s) => s.terminate());
    socket.on('error', () => undefined);
    return new Promise((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: init })));
      socket.once('close', (code) => resolve(code));
    });
  }

  it('closes a socket with no token, or a bad one, with 4403', async () => {
    const { graphqlUrl } = await startGateway();
    expect(await closeCodeOf(graphqlUrl, undefined)).toBe(4403);
    expect(await closeCodeOf(graphqlUrl, { authorization: `Bearer ${await sign({ sub: 'alice' }, 'wrong-secret-wrong-secret-wrong-secret')}` })).toBe(4403);
    const alice = await tokenFor('alice');
    const client = wsClient(graphqlUrl, { token: alice });
    expect(await wsQuery(client, '{ viewer { username } }')).toMatchObject({ data: { viewer: { username: 'alice' } } });
  });

  it("refuses an upgrade from a foreign Origin, and takes the gateway's own and listed ones", async () => {
    const { graphqlUrl } = await startGateway({ ALLOWED_ORIGINS: 'https://app.example' });
    const own = new URL(graphqlUrl).origin;
    const init = { authorization: `Bearer ${await tokenFor('alice')}` };
    expect(await closeCodeOf(graphqlUrl, init, { origin: 'https://evil.example' })).toBe(401);
    const ok = async (origin: string) => {
      const socket = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { origin } }), (s) => s.terminate());
      await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('unexpected-response', reject)));
    };
    await ok(own);
    await ok('https://app.example');
  });

  it('closes a socket with 4403 when its token expires, so that the client reconnects with a fresh one', async () => {
    const { graphqlUrl } = await startGateway();
    const shortLived = await sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 2 });
    const socket = leftover(new WebSocket(graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws'), (s) => s.terminate());
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${shortLived}` } }));
    const acked = await new Promise<string>((resolve) => socket.once('message', (m) => resolve(String(m))));
    expect(JSON.parse(acked)).toEqual({ type: 'connection_ack' });
    const [code, reason] = await new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, String(r)])));
    expect(code).toBe(4403);
    expect(reason).toMatch(/expired/);
  });

  it('caps the operations at once on one socket', async () => {
    const { graphqlUrl } = await startGateway({ WS_MAX_SUBSCRIPTIONS: '2' });
    const client = wsClient(graphqlUrl);
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++)
      client.subscribe(
        { query: 'subscription { heartbeat(intervalSeconds: 60) { sequence } }' },
        { next: () => undefined, error: (e) => results.push(e), complete: () => undefined },
      );
    await expect.poll(() => results.length).toBe(1);
    expect(results[0]).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })]);
  });
});

describe('what a user may do', () => {
  it('a user cannot ban anyone, nor send as someone else, and no denied call reaches Agora', async () => {
    const { graphqlUrl, server } = await startGateway();
    const control = createEmulatorControl(server.emulator!.url);
    const alice = await tokenFor('alice');
    await control.clearCalls();
    const ban = await postGraphQL(graphqlUrl, 'mutation { banUser(username: "bob") { username } }', undefined, { token: alice });
    expect(codeOf(ban)).toBe('FORBIDDEN');
    expect(ban.body.errors?.[0]?.message).toMatch(/Mutation\.banUser/);
    const asBob = await postGraphQL(graphqlUrl, 'mutation { sendPeerMessage(input: { from: "bob", to: "carol", payload: "x" }) { status } }', undefined, {
      token: alice,
    });
    expect(codeOf(asBob)).toBe('FORBIDDEN');
    const anonymousBan = await postGraphQL(graphqlUrl, 'mutation { banUser(username: "bob") { username } }', undefined, { token: null });
    expect(codeOf(anonymousBan)).toBe('UNAUTHENTICATED');
    expect(await requestCalls(control)).toEqual({});
    // As herself, she may.
    const own = await postGraphQL(graphqlUrl, 'mutation { sendPeerMessage(input: { from: "alice", to: "carol", payload: "x" }) { status } }', undefined, {
      token: alice,
    });
    expect(own.body.data).toEqual({ sendPeerMessage: { status: 'SENT' } });
  });
});
