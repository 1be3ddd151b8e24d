/**
 * How failures reach GraphQL clients: every error a client sees carries a stable `extensions.code` and a
 * message a person can act on; anything unexpected is masked as INTERNAL (and logged by yoga).
 *
 *   BAD_USER_INPUT        the input was refused (before any upstream call, or by Agora); `field` names it
 *   UNAUTHENTICATED       (security work) no or bad credentials
 *   FORBIDDEN             not allowed (by Agora or by the gateway's rules)
 *   NOT_FOUND             the user, group, room, thread or message does not exist
 *   RATE_LIMITED          try again after `retryAfter` seconds
 *   UPSTREAM_UNAVAILABLE  Agora could not be reached; `maybeDelivered` for sends
 *   UPSTREAM_ERROR        Agora answered something the gateway does not understand, or refused its credentials
 *   INTERNAL              a bug; the message is masked
 */
import { GraphQLError } from 'graphql';
import type { StandardSchemaV1 } from '@pothos/plugin-validation';
import { AgoraError, AgoraInputError, AgoraRateLimitedError, AgoraUnavailableError } from '../agora/errors.ts';

export type PublicCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'INTERNAL';

/** A GraphQL error with a public code; `extensions` adds what the client needs to act. */
export function publicError(message: string, code: PublicCode, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** An Agora client error as the GraphQL client sees it. */
export function fromAgoraError(error: AgoraError): GraphQLError {
  const upstream = { operation: error.operation, ...(error.agoraCode ? { agoraCode: error.agoraCode } : {}), ...(error.requestId ? { requestId: error.requestId } : {}) };
  switch (error.kind) {
    case 'invalid_input': {
      const issues = (error as AgoraInputError).issues;
      return publicError(error.message, 'BAD_USER_INPUT', { field: issues[0]?.field, issues });
    }
    case 'bad_request':
      return publicError(error.message, 'BAD_USER_INPUT', upstream);
    case 'unauthorized':
      return publicError(`Agora refused the gateway's credentials for ${error.operation}; check the gateway's Agora configuration`, 'UPSTREAM_ERROR', upstream);
    case 'forbidden':
      return publicError(error.message, 'FORBIDDEN', upstream);
    case 'not_found':
    case 'gone':
      return publicError(error.message, 'NOT_FOUND', upstream);
    case 'rate_limited': {
      const retryAfterMs = (error as AgoraRateLimitedError).retryAfterMs ?? 1000;
      return publicError(error.message, 'RATE_LIMITED', { ...upstream, retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
    }
    case 'unavailable':
      return publicError(error.message, 'UPSTREAM_UNAVAILABLE', {
        ...upstream,
        ...(error instanceof AgoraUnavailableError ? { maybeDelivered: error.maybeDelivered } : {}),
      });
    case 'upstream':
      return publicError(error.message, 'UPSTREAM_ERROR', upstream);
  }
}

/** The validation plugin's failures: BAD_USER_INPUT naming the first offending field. */
export function validationError(result: StandardSchemaV1.FailureResult): GraphQLError {
  const issues = result.issues.map((issue) => ({
    field: (issue.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.') || '(input)',
    message: issue.message,
  }));
  const first = issues[0];
  return publicError(first ? `Invalid ${first.field}: ${first.message}` : 'Invalid input', 'BAD_USER_INPUT', { field: first?.field, issues });
}

/**
 * yoga's maskError: known failures keep their code; GraphQL errors the schema raised on purpose pass;
 * anything else becomes INTERNAL with a generic message.
 */
export function maskError(error: unknown, message: string): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const located = (e: GraphQLError) =>
    error instanceof GraphQLError ? new GraphQLError(e.message, { nodes: error.nodes, path: error.path, extensions: e.extensions, originalError: original as Error }) : e;
  if (original instanceof AgoraError) return located(fromAgoraError(original));
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') return located(original);
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string' && !error.originalError) return error;
  return located(publicError(message, 'INTERNAL'));
}
