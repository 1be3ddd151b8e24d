/**
 * Development tokens: in emulator mode the gateway signs an admin token and a user token (alice) with
 * its JWT secret (a random one per process unless AUTH_JWT_SECRET is set), prints them, and presets the
 * admin token in GraphiQL. Tests mint theirs the same way.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from './viewer.ts';

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function signToken(
  secret: string,
  claims: { sub: string; roles: Role[]; ttlSeconds?: number; issuer?: string | undefined; audience?: string | undefined },
): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.ttlSeconds ?? 24 * 3600));
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
