/**
 * Who is asking: a bearer JWT (HS256 with a shared secret, or any key of a JWKS URL, with caching and
 * rotation by jose), or a service API key (configured only as its SHA-256), or nobody. The JWT's subject
 * is the Agora username (or `service:<name>` for a service acting as no user); its `roles` claim holds
 * `user`, `moderator` and/or `admin`. API keys act as admin. A credential that is present but wrong is an error (UNAUTHENTICATED), never anonymity.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export type Role = 'user' | 'moderator' | 'admin';

export interface Viewer {
  /** The Agora username of a signed-in user; undefined for anonymous and for services. */
  username: string | undefined;
  roles: ReadonlySet<Role>;
  kind: 'anonymous' | 'user' | 'service';
  /** When the credential stops being valid (epoch ms): a WebSocket is closed then. */
  expiresAt?: number | undefined;
}

export const ANONYMOUS: Viewer = { username: undefined, roles: new Set(), kind: 'anonymous' };
export const SERVICE: Viewer = { username: undefined, roles: new Set(['admin']), kind: 'service' };

export interface AuthSettings {
  /** HS256 shared secret (at least 32 characters). */
  jwtSecret?: string | undefined;
  /** A JWKS URL (RS256, ES256, EdDSA...); keys are cached and refetched when an unknown `kid` arrives. */
  jwksUrl?: string | undefined;
  /** The least time between two fetches of the JWKS (so unknown `kid`s cannot make the gateway hammer it). */
  jwksCooldownMs?: number;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** SHA-256 (hex) of each service API key. */
  apiKeyHashes: readonly string[];
  /** Accepted clock difference for `exp` and `nbf`, in seconds. */
  clockToleranceSeconds?: number;
  /** Explicitly disabled (loudly logged): every request acts as the service. */
  disabled?: boolean;
  /** Verified tokens kept, by their SHA-256, until their `exp` (at most TOKEN_CACHE_MAX_AGE_MS); 0 keeps none. */
  tokenCacheSize?: number;
}

/**
 * How long a verified token is trusted without verifying it again, when its `exp` is further: a key
 * withdrawn from the JWKS stops a token within this time.
 */
export const TOKEN_CACHE_MAX_AGE_MS = 5 * 60_000;

/** A credential was given and is not good. The message says why, never what the credential was. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

export interface Credentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
}

export interface Authenticator {
  /**
   * Who the credentials name: at once for an API key, for nobody and for a token verified before (most
   * requests), else once the token is verified. A credential that does not hold rejects, never throws.
   */
  viewerOf(credentials: Credentials): Viewer | Promise<Viewer>;
}

const ROLES: readonly Role[] = ['user', 'moderator', 'admin'];
const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** One-shot (no Hash object): it runs for every request that carries an API key or a token. */
export const sha256 = (text: string): string => hash('sha256', text, 'hex');

/** A subject of this form names a service (a back end, an operator's tool), not an Agora user. */
export const SERVICE_SUBJECT = /^service:[A-Za-z0-9_.@-]{1,64}$/;

/**
 * The set of these roles, one instance per combination (there are eight): every socket keeps its viewer,
 * and 5,000 subscribers need not hold 5,000 copies of `{user, moderator}`.
 */
const roleSets = new Map<string, ReadonlySet<Role>>();
function roleSet(claimed: readonly unknown[]): ReadonlySet<Role> {
  const roles = ROLES.filter((r) => claimed.includes(r));
  const key = roles.join(' ');
  let set = roleSets.get(key);
  if (!set) roleSets.set(key, (set = new Set(roles)));
  return set;
}

function viewerOfClaims(payload: JWTPayload): Viewer {
  const sub = payload.sub;
  const expiresAt = payload.exp === undefined ? undefined : payload.exp * 1000;
  if (typeof sub === 'string' && SERVICE_SUBJECT.test(sub)) {
    return { username: undefined, roles: roleSet(Array.isArray(payload.roles) ? payload.roles : []), kind: 'service', expiresAt };
  }
  if (typeof sub !== 'string' || !USERNAME.test(sub))
    throw new AuthenticationError("The token's subject must be an Agora username (1 to 64 letters, digits, _ . @ -)");
  const claimed = Array.isArray(payload.roles) ? payload.roles : ['user'];
  return { username: sub, roles: roleSet(['user', ...claimed]), kind: 'user', expiresAt };
}

function whyRejected(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired: get a new one';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted here`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm this gateway does not accept';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The token's signature does not verify";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'No key of the JWKS matches the token';
  if (error instanceof AuthenticationError) return error.message;
  return 'The token is not a valid JWT';
}

export function createAuthenticator(settings: AuthSettings): Authenticator {
  const secret = settings.jwtSecret ? new TextEncoder().encode(settings.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: settings.jwksCooldownMs ?? 30_000 })
    : undefined;
  const keyHashes = settings.apiKeyHashes.map((h) => Buffer.from(h.toLowerCase(), 'hex'));
  const verifyOptions = { issuer: settings.issuer, audience: settings.audience, clockTolerance: settings.clockToleranceSeconds ?? 30 };

  /**
   * Verified tokens by their hash, in use order (a Map keeps insertion order: a hit moves to the end, the
   * oldest goes first). Only successes are kept, and never past `exp`: a JWT verification costs 20 to
   * 80 µs a request, a lookup one SHA-256 of the token.
   */
  const verified = new Map<string, { viewer: Viewer; until: number }>();
  const cacheSize = settings.tokenCacheSize ?? 10_000;

  function cachedVerify(token: string): Viewer | Promise<Viewer> {
    if (cacheSize === 0) return verify(token);
    const key = hash('sha256', token, 'base64');
    const hit = verified.get(key);
    const now = Date.now();
    if (hit && hit.until > now) {
      verified.delete(key);
      verified.set(key, hit);
      return hit.viewer;
    }
    if (hit) verified.delete(key);
    return verify(token).then((viewer) => {
      const until = Math.min(viewer.expiresAt ?? Infinity, now + TOKEN_CACHE_MAX_AGE_MS);
      if (until > now) {
        verified.set(key, { viewer, until });
        if (verified.size > cacheSize) verified.delete(verified.keys().next().value!);
      }
      return viewer;
    });
  }

  async function verify(token: string): Promise<Viewer> {
    if (!secret && !jwks) throw new AuthenticationError('This gateway accepts no JWTs (neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set)');
    const attempts: (() => Promise<{ payload: JWTPayload }>)[] = [];
    // Algorithms are pinned per key source: `alg: none` and HS/RS confusion never verify.
    if (secret) attempts.push(() => jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] }));
    if (jwks) attempts.push(() => jwtVerify(token, jwks, { ...verifyOptions, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }));
    let last: unknown;
    for (const attempt of attempts) {
      try {
        return viewerOfClaims((await attempt()).payload);
      } catch (error) {
        last = error;
        // An expired or mis-addressed token is that, whichever key would have verified it.
        if (error instanceof joseErrors.JWTExpired || error instanceof joseErrors.JWTClaimValidationFailed || error instanceof AuthenticationError) break;
      }
    }
    throw new AuthenticationError(whyRejected(last));
  }

  return {
    viewerOf({ authorization, apiKey }) {
      if (settings.disabled) return SERVICE;
      if (apiKey !== undefined) {
        const digest = Buffer.from(sha256(apiKey), 'hex');
        if (keyHashes.some((k) => k.length === digest.length && timingSafeEqual(k, digest))) return SERVICE;
        return Promise.reject(new AuthenticationError('The API key is not known to this gateway'));
      }
      if (authorization === undefined || authorization === '') return ANONYMOUS;
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return Promise.reject(new AuthenticationError('Authorization must be "Bearer <JWT>"'));
      return cachedVerify(match[1]!);
    },
  };
}
