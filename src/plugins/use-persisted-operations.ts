/**
 * Persisted operations, as an option: with PERSISTED_OPERATIONS set to a manifest (`{ "<sha256 of the
 * document>": "<document>" }`, what GraphQL Code Generator's client preset writes with
 * `persistedDocuments`), only those operations run, named by hash in `extensions.persistedQuery.sha256Hash`
 * (Apollo's convention) or `documentId`; any other document is refused before it is parsed. HTTP goes
 * through yoga's plugin; WebSocket subscriptions through `resolveOperation`, with the same manifest.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations as useYogaPersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ConfigError } from '../config.ts';

export type PersistedOperations = ReadonlyMap<string, string>;

const ONLY = 'This gateway runs persisted operations only: send the hash of a known document as extensions.persistedQuery.sha256Hash';
const UNKNOWN = 'No persisted operation has this hash';

export function loadPersistedOperations(path: string): PersistedOperations {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PERSISTED_OPERATIONS: ${path} is not a readable JSON manifest (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new ConfigError('PERSISTED_OPERATIONS must be a JSON object of hash -> document');
  const operations = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (typeof document !== 'string') throw new ConfigError(`PERSISTED_OPERATIONS: the entry ${hash} is not a document`);
    // A manifest whose keys are not the documents' hashes would let a client run what it names wrongly.
    if (createHash('sha256').update(document).digest('hex') !== hash) throw new ConfigError(`PERSISTED_OPERATIONS: ${hash} is not the SHA-256 of its document`);
    operations.set(hash, document);
  }
  return operations;
}

const refusal = (message: string, reason: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, http: { status: 400 } } });

/** The yoga plugin (HTTP). */
export function usePersistedOperations(operations: PersistedOperations): Plugin {
  return useYogaPersistedOperations({
    getPersistedOperation: (key) => operations.get(key) ?? null,
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
  payload: { query?: string | undefined; extensions?: Record<string, unknown> | null | undefined },
): string | GraphQLError {
  const persisted = payload.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
  const hash =
    typeof persisted?.sha256Hash === 'string'
      ? persisted.sha256Hash
      : typeof payload.extensions?.documentId === 'string'
        ? payload.extensions.documentId
        : undefined;
  if (hash === undefined) return refusal(ONLY, 'PERSISTED_QUERY_ONLY');
  return operations.get(hash) ?? refusal(UNKNOWN, 'PERSISTED_QUERY_NOT_FOUND');
}
