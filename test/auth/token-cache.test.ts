import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/tokens.ts';
import { AuthenticationError, createAuthenticator } from '../../src/auth/viewer.ts';

const SECRET = 'token-cache-secret-of-the-suite-0123456789';
const authenticator = (tokenCacheSize?: number) => createAuthenticator({ jwtSecret: SECRET, apiKeyHashes: [], clockToleranceSeconds: 0, tokenCacheSize });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('verified tokens', () => {
  it('are verified once and then served from the cache, the same viewer', async () => {
    const auth = authenticator();
    const token = await signToken(SECRET, { sub: 'alice', roles: ['user'] });
    const first = await auth.viewerOf(bearer(token));
    expect(first).toMatchObject({ username: 'alice', kind: 'user' });
    expect(await auth.viewerOf(bearer(token))).toBe(first);
    // Without a cache, each request verifies anew.
    const uncached = authenticator(0);
    expect(await uncached.viewerOf(bearer(token))).not.toBe(await uncached.viewerOf(bearer(token)));
  });

  it('answer at once once verified, as an API key and no credential do, and a refusal rejects rather than throws', async () => {
    const { sha256 } = await import('../../src/auth/viewer.ts');
    const auth = createAuthenticator({ jwtSecret: SECRET, apiKeyHashes: [sha256('a-key-of-the-suite')], clockToleranceSeconds: 0 });
    const token = await signToken(SECRET, { sub: 'alice', roles: ['user'] });
    const verifying = auth.viewerOf(bearer(token));
    expect(verifying).toBeInstanceOf(Promise);
    const viewer = await verifying;
    expect(auth.viewerOf(bearer(token))).toBe(viewer);
    expect(auth.viewerOf({ apiKey: 'a-key-of-the-suite' })).toMatchObject({ kind: 'service' });
    expect(auth.viewerOf({})).toMatchObject({ kind: 'anonymous' });
    // Refusals come as rejections, whatever the credential: callers await them in one place.
    const unknownKey = auth.viewerOf({ apiKey: 'not-a-key' });
    expect(unknownKey).toBeInstanceOf(Promise);
    await expect(unknownKey).rejects.toThrow(AuthenticationError);
    await expect(auth.viewerOf({ authorization: 'Basic abc' })).rejects.toThrow(/Bearer/);
  });

  it('are never served past their exp, and a failure is never kept', async () => {
    const auth = authenticator();
    // exp is in whole seconds: 1 to 2 s from now.
    const token = await signToken(SECRET, { sub: 'bob', roles: ['user'], ttlSeconds: 2 });
    const viewer = await auth.viewerOf(bearer(token));
    expect(viewer).toMatchObject({ username: 'bob' });
    await new Promise((resolve) => setTimeout(resolve, viewer.expiresAt! - Date.now() + 50));
    await expect(auth.viewerOf(bearer(token))).rejects.toThrow(AuthenticationError);
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(auth.viewerOf(bearer(forged))).rejects.toThrow(/signature/);
    await expect(auth.viewerOf(bearer(forged))).rejects.toThrow(/signature/);
  });

  it('are kept up to the bound, the least recently used going first', async () => {
    const auth = authenticator(2);
    const [a, b, c] = await Promise.all(['ann', 'ben', 'cy'].map((sub) => signToken(SECRET, { sub, roles: ['user'] })));
    const viewerA = await auth.viewerOf(bearer(a!));
    const viewerB = await auth.viewerOf(bearer(b!));
    expect(await auth.viewerOf(bearer(a!))).toBe(viewerA); // a used again: b is now the oldest
    await auth.viewerOf(bearer(c!));
    expect(await auth.viewerOf(bearer(a!))).toBe(viewerA);
    expect(await auth.viewerOf(bearer(b!))).not.toBe(viewerB);
  });
});
