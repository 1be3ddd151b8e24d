/**
 * Persisted operations, as an option: with PERSISTED_OPERATIONS set to a manifest (`{ "<id>": "<document>" }`,
 * what GraphQL Code Generator's client preset writes with `persistedDocuments`, its ids `sha256:<hex>`;
 * a bare `<hex>` is taken too), only those operations run, named by id in `documentId` (top level, or in
 * `extensions`, as the GraphQL-over-HTTP persisted documents draft and the client preset send it) or in
 * `extensions.persistedQuery.sha256Hash` (Apollo's convention); any other document is refused before it is
 * parsed. HTTP goes through yoga's plugin; WebSocket subscriptions through `resolveOperation`, with the same
 * manifest and the same reading of the id.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations as useYogaPersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ConfigError } from '../config.ts';

export type PersistedOperations = ReadonlyMap<string, string>;

const ONLY =
  'This gateway runs persisted operations only: send the id of a known document as documentId (or extensions.persistedQuery.sha256Hash), not its text';
const UNKNOWN = 'No persisted operation has this id';

/** An id as the manifest and the clients write it, `sha256:<hex>` or `<hex>`, as the bare hex digest. */
const digestOf = (id: string): string => (id.startsWith('sha256:') ? id.slice('sha256:'.length) : id).toLowerCase();

export function loadPersistedOperations(path: string): PersistedOperations {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PERSISTED_OPERATIONS: ${path} is not a readable JSON manifest (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new ConfigError('PERSISTED_OPERATIONS must be a JSON object of id -> document');
  const operations = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    if (typeof document !== 'string') throw new ConfigError(`PERSISTED_OPERATIONS: the entry ${id} is not a document`);
    // A manifest whose ids are not the documents' hashes would let a client run what it names wrongly.
    if (createHash('sha256').update(document).digest('hex') !== digestOf(id)) {
      throw new ConfigError(`PERSISTED_OPERATIONS: ${id} is not the SHA-256 of its document (ids are "sha256:<hex>" or "<hex>")`);
    }
    operations.set(digestOf(id), document);
  }
  return operations;
}

/** The persisted operation's id a request names, if any: `documentId` at the top, in `extensions`, or Apollo's hash. */
export function persistedIdOf(params: { documentId?: unknown; extensions?: Record<string, unknown> | null | undefined }): string | undefined {
  const persisted = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  for (const id of [params.documentId, params.extensions?.documentId, persisted?.sha256Hash]) if (typeof id === 'string') return digestOf(id);
  return undefined;
}

const refusal = (message: string, reason: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, http: { status: 400 } } });

/** The yoga plugin (HTTP): a GET names the id in its query string (`?documentId=`), a POST in its body. */
export function usePersistedOperations(operations: PersistedOperations): Plugin {
  return useYogaPersistedOperations({
    getPersistedOperation: (id) => operations.get(id) ?? null,
    extractPersistedOperationId: (params, request) =>
      persistedIdOf(params as Parameters<typeof persistedIdOf>[0]) ??
      (request.method === 'GET' ? persistedIdOf({ documentId: new URL(request.url).searchParams.get('documentId') ?? undefined }) : undefined) ??
      null,
    allowArbitraryOperations: false,
    customErrors: {
      persistedQueryOnly: () => refusal(ONLY, 'PERSISTED_QUERY_ONLY'),
      notFound: () => refusal(UNKNOWN, 'PERSISTED_QUERY_NOT_FOUND'),
      keyNotFound: () => refusal(ONLY, 'PERSISTED_QUERY_ONLY'),
    },
  }) as Plugin;
}

/** The document a graphql-ws subscribe message runs, or why it may not. */
export function resolveOperation(
  operations: PersistedOperations,
  payload: { query?: string | undefined; documentId?: unknown; extensions?: Record<string, unknown> | null | undefined },
): string | GraphQLError {
  const id = persistedIdOf(payload);
  if (id === undefined) return refusal(ONLY, 'PERSISTED_QUERY_ONLY');
  return operations.get(id) ?? refusal(UNKNOWN, 'PERSISTED_QUERY_NOT_FOUND');
}
