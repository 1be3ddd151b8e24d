/**
 * graphql-ws keeps a socket's connection parameters for as long as the socket lives: the gateway keeps
 * them without the credential, as a copy (one shared empty object when nothing else was sent).
 */
import { describe, expect, it } from 'vitest';
import { withoutCredentials } from '../../src/server/http-server.ts';

describe('connection parameters kept for a socket', () => {
  it('leave out every credential a client may send, and keep the rest', () => {
    const sent = { authorization: 'Bearer a.b.c', Authorization: 'Bearer d.e.f', 'x-api-key': 'k1', apiKey: 'k2', locale: 'fr', client: { name: 'web' } };
    const kept = withoutCredentials(sent);
    expect(kept).toEqual({ locale: 'fr', client: { name: 'web' } });
    expect(JSON.stringify(kept)).not.toMatch(/Bearer|k1|k2/);
    // A copy: what the client sent is not what is kept.
    expect(kept).not.toBe(sent);
  });

  it('share one empty object when only a credential, or nothing, was sent', () => {
    const empty = withoutCredentials({ authorization: 'Bearer a.b.c' });
    expect(empty).toEqual({});
    expect(withoutCredentials(undefined)).toBe(empty);
    expect(withoutCredentials({})).toBe(empty);
    expect(Object.isFrozen(empty)).toBe(true);
  });
});
