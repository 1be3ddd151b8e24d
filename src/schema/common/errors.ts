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
 *   INTERNAL              a bug; the message is masked, and `errorId` finds the logged stack
 *
 * Request errors, the client's own mistakes in the document or the variables, are answered before
 * execution: a document that does not parse or validate keeps yoga's GRAPHQL_PARSE_FAILED or
 * GRAPHQL_VALIDATION_FAILED; a variable of the wrong type or shape is BAD_USER_INPUT with `variable`.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError, Kind } from 'graphql';
import type { StandardSchemaV1 } from '@pothos/plugin-validation';
import { AgoraError, AgoraGoneError, AgoraInputError, AgoraNotFoundError, AgoraRateLimitedError, AgoraUnavailableError } from '../../agora/errors.ts';
import type { Logger } from '../../observability/logger.ts';

export type PublicCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'RATE_LIMITED' | 'UPSTREAM_UNAVAILABLE' | 'UPSTREAM_ERROR' | 'INTERNAL';

/** A GraphQL error with a public code; `extensions` adds what the client needs to act. */
/** An authorization denial: who asked, and what refused them. */
/** Why a rule refused: compactly (`rule`, an extension), who it lets in, and what the caller could do instead. */
export interface Denial {
  rule: string;
  allowed: string;
  hint?: string | undefined;
}

export function deniedError(viewer: { kind: string }, coordinate: string, denial: Denial): GraphQLError {
  const { rule } = denial;
  return viewer.kind === 'anonymous'
    ? publicError(`Sign in to use ${coordinate}: send Authorization: Bearer <JWT> (or connection_init { authorization } on a WebSocket)`, 'UNAUTHENTICATED', {
        coordinate,
        rule,
      })
    : publicError(`Not allowed: ${coordinate} is for ${denial.allowed}.${denial.hint ? ` ${denial.hint}` : ''}`, 'FORBIDDEN', { coordinate, rule });
}

export function publicError(message: string, code: PublicCode, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/** An Agora client error as the GraphQL client sees it. */
export function fromAgoraError(error: AgoraError): GraphQLError {
  const upstream = {
    operation: error.operation,
    ...(error.agoraCode ? { agoraCode: error.agoraCode } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
  switch (error.kind) {
    case 'invalid_input': {
      const issues = (error as AgoraInputError).issues.map(({ field, message }) => ({ field, message }));
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

/** A global id that is not one this API gives out: malformed, of a type without ids, or with an invalid key. */
export class InvalidGlobalIdError extends Error {
  override readonly name = 'InvalidGlobalIdError';
}

/** Whether a failure means "that does not exist" (Relay's `node` answers null for those). */
export function isNotFound(error: unknown): boolean {
  if (error instanceof AgoraNotFoundError || error instanceof AgoraGoneError) return true;
  return error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND';
}

/** The value, or null where it does not exist: what `node(id:)` answers for a well-formed id that names nothing. */
export async function nullIfNotFound<T>(value: Promise<T>): Promise<T | null> {
  try {
    return await value;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** graphql-js reports a variable that fails coercion with the variable's definition as its node. */
function coercedVariable(error: GraphQLError): string | undefined {
  const node = error.nodes?.[0];
  return !error.path && node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : undefined;
}

/** The error a client sees for `error`, or undefined when it is none of the known kinds (a bug of ours). */
function knownPublicError(error: unknown): GraphQLError | undefined {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const located = (e: GraphQLError) => {
    if (!(error instanceof GraphQLError)) return e;
    // yoga reads `http` (the status of a request error) and leaves it out of the response.
    const http = error.extensions.http;
    return new GraphQLError(e.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: { ...e.extensions, ...(http ? { http } : {}) },
      originalError: original as Error,
    });
  };
  if (original instanceof AgoraError) return located(fromAgoraError(original));
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') return located(original);
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string' && !error.originalError) return error;
  if (error instanceof GraphQLError) {
    const variable = coercedVariable(error);
    if (variable !== undefined) return located(publicError(error.message, 'BAD_USER_INPUT', { variable }));
  }
  // yoga's own refusals of a request (CSRF header missing, a content type it does not take) carry the
  // HTTP status they are answered with: they are the client's, coded by that status.
  const status = error instanceof GraphQLError ? (error.extensions.http as { status?: number } | undefined)?.status : undefined;
  if (error instanceof GraphQLError && status !== undefined && status >= 400 && status < 500) {
    return located(publicError(error.message, status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'BAD_USER_INPUT'));
  }
  if (original instanceof InvalidGlobalIdError && error instanceof GraphQLError) {
    // node(id:) and nodes(ids:) have one argument each: the one that held the id.
    const argument = error.nodes?.[0]?.kind === Kind.FIELD ? error.nodes[0].arguments?.[0]?.name.value : undefined;
    return located(publicError(`Invalid ${argument ?? 'id'}: ${original.message}`, 'BAD_USER_INPUT', { field: argument ?? 'id' }));
  }
  return undefined;
}

/** The `extensions.code` a client sees for `error` (metrics count outcomes by it). */
export function publicCodeOf(error: unknown): string {
  return String(knownPublicError(error)?.extensions.code ?? 'INTERNAL');
}

/**
 * yoga's maskError: known failures keep their code; GraphQL errors the schema raised on purpose pass;
 * a variable that fails coercion is the client's BAD_USER_INPUT; anything else is INTERNAL, logged with
 * its stack under an id that the response carries too.
 */
export function createMaskError(logger: Logger) {
  return function maskError(error: unknown, message: string): GraphQLError {
    const known = knownPublicError(error);
    if (known) return known;
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const errorId = randomUUID();
    logger.error({ errorId, err: original, path: error instanceof GraphQLError ? error.path : undefined }, 'internal error');
    const internal = publicError(message, 'INTERNAL', { errorId });
    return error instanceof GraphQLError
      ? new GraphQLError(internal.message, { nodes: error.nodes, path: error.path, extensions: internal.extensions, originalError: original as Error })
      : internal;
  };
}
