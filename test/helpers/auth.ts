/**
 * Tests sign their own tokens: every gateway a test starts shares this secret, and the helpers send an
 * admin token to it unless a test says who asks (another token, an API key, or nobody).
 */
import { signToken } from '../../src/auth/tokens.ts';
import { sha256, type Role } from '../../src/auth/viewer.ts';

export const TEST_JWT_SECRET = 'test-secret-of-the-agora-graphql-suite-0123456789';
/** A service API key (admin, acting as no user), configured by its hash as an operator would. */
export const TEST_API_KEY = 'test-api-key-of-the-agora-graphql-suite';
export const TEST_API_KEY_HASH = sha256(TEST_API_KEY);

export const tokenFor = (sub: string, roles: Role[] = ['user'], ttlSeconds?: number) => signToken(TEST_JWT_SECRET, { sub, roles, ttlSeconds });

/** The gateways that accept the test API key: the helpers send it to them unless told otherwise. */
const withKey = new Set<string>();

export function rememberGateway(graphqlUrl: string): void {
  withKey.add(graphqlUrl);
}

/** The credentials the helpers send to this gateway by default: the service key. */
export function authHeaders(graphqlUrl: string): Record<string, string> {
  return withKey.has(graphqlUrl) ? { 'x-api-key': TEST_API_KEY } : {};
}
