/**
 * The names of shared reads, in one module: the loaders read by them, and src/cache/invalidation.ts drops
 * them. A name starts with the operation id of the Agora call whose answer it keeps (the emulator's route
 * and the budget class bear the same id), so a cache key says which call it saves.
 */
import type { CollectiveKind } from '../agora/chat/collectives.ts';

/** A batch read, cached per item (`<batch>:<item>`): misses of many requests share one call per chunk. */
export type SharedBatch = 'chat.users.batchStatus' | 'chat.presence.getMany' | `chat.${CollectiveKind}s.details` | `chat.metadata.getMany:${string}`;

/** A group's or room's member pages: dropped together by a new generation, never listed. */
export type MemberPages = `chat.${CollectiveKind}s.members:${string}`;

/** A user's groups or rooms (every page the list reads). */
export type JoinedKey = `chat.${CollectiveKind}s.joined:${string}`;

/** One cached value. */
export type SharedKey = `${SharedBatch}:${string}` | `chat.users.get:${string}` | `${MemberPages}:${string}` | JoinedKey;

export const sharedKeys = {
  onlineStates: 'chat.users.batchStatus',
  presence: 'chat.presence.getMany',
  details: (kind: CollectiveKind): SharedBatch => `chat.${kind}s.details`,
  /** Agora's batch read names the attributes it returns: one batch per set of names. */
  attributes: (names: readonly string[]): SharedBatch => `chat.metadata.getMany:${JSON.stringify(names)}`,
  item: (batch: SharedBatch, item: string): SharedKey => `${batch}:${item}`,
  user: (username: string): SharedKey => `chat.users.get:${username}`,
  memberPages: (kind: CollectiveKind, id: string): MemberPages => `chat.${kind}s.members:${id}`,
  memberPage: (pages: MemberPages, generation: string, pageNum: number, pageSize: number): SharedKey => `${pages}:${generation}:${pageNum}:${pageSize}`,
  joined: (kind: CollectiveKind, username: string): JoinedKey => `chat.${kind}s.joined:${username}`,
} as const satisfies Record<string, SharedBatch | ((...args: never[]) => string)>;
