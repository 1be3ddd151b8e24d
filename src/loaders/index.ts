/**
 * DataLoaders over Agora's batch endpoints, made per request (so nothing is cached across requests or
 * viewers). Each is chunked to its endpoint's documented maximum through `maxBatchSize`, so a nested
 * query costs ceil(n / maximum) calls per endpoint. Batch functions answer one value or one Error per
 * key, in key order; a failed call fails its own keys, never the whole request.
 */
import DataLoader from 'dataloader';
import type { ChatClient } from '../agora/chat/client.ts';
import type { ChatCollective, CollectiveKind, MemberPage } from '../agora/chat/collectives.ts';
import type { Attributes } from '../agora/chat/metadata.ts';
import type { Presence } from '../agora/chat/presence.ts';
import type { ChatUser } from '../agora/chat/schemas.ts';
import type { OnlineState } from '../agora/chat/users.ts';
import type { AgoraClient } from '../agora/client.ts';
import type { CallOptions } from '../agora/endpoint.ts';
import { sharedKeys, type SharedBatch } from '../cache/keys.ts';
import type { Reader, SharedReads, ShareKind } from '../cache/shared-reads.ts';
import { AgoraNotFoundError, chatNotConfigured } from '../agora/errors.ts';
import { CHAT_LIMITS } from '../agora/limits.ts';
import { lazyKind } from '../lib/lazy.ts';

export interface Loaders {
  /** `User.online`: Chat's batch status read. */
  online: DataLoader<string, OnlineState>;
  presence: DataLoader<string, Presence>;
  /** One loader per set of attribute names, since Agora's batch read names the attributes to return. */
  attributes(keys: readonly string[]): DataLoader<string, Attributes>;
  groups: DataLoader<string, ChatCollective>;
  rooms: DataLoader<string, ChatCollective>;
  users: DataLoader<string, ChatUser>;
  /** One page of a group's or room's members (shared across requests when shared reads are on). */
  memberPage(kind: CollectiveKind, id: string, pageNum: number, pageSize: number): Promise<MemberPage>;
  /** The ids of a user's groups or rooms, up to JOINED_PAGES pages of 20 (shared across requests when shared reads are on). */
  joined(kind: CollectiveKind, username: string): Promise<string[]>;
}

/** How many pages of a user's groups (or rooms) a membership list reads at most: 20 a page. */
export const JOINED_PAGES = 10;

/**
 * The ids of a user's groups or rooms, page by page up to JOINED_PAGES, stopping early once `enough`
 * says so (a membership check looking for one id). A user Chat does not know belongs to nothing.
 */
export async function joinedIds(
  client: ChatClient,
  kind: CollectiveKind,
  username: string,
  opts: CallOptions = {},
  enough: (ids: readonly string[]) => boolean = () => false,
): Promise<string[]> {
  const api = kind === 'group' ? client.groups : client.rooms;
  const ids: string[] = [];
  for (let pageNum = 1; pageNum <= JOINED_PAGES; pageNum++) {
    const page = await api.joined({ username, pageNum, pageSize: 20 }, opts).catch((error: unknown) => {
      if (error instanceof AgoraNotFoundError) return { items: [], hasMore: false };
      throw error;
    });
    ids.push(...page.items.map((c) => c.id));
    if (!page.hasMore || enough(ids)) break;
  }
  return ids;
}

/**
 * The batch size of each loader: the endpoint's documented maximum. The cost prediction reads the same
 * table, so predicted and actual calls agree.
 */
export const LOADER_BATCH_SIZES = {
  online: CHAT_LIMITS.batchStatus,
  presence: CHAT_LIMITS.presenceUsers,
  attributes: CHAT_LIMITS.metadataTargets,
  groups: CHAT_LIMITS.groupDetailsIds,
  rooms: CHAT_LIMITS.groupDetailsIds,
  users: 1,
} as const;

/** Runs a batch call; when the whole call fails, each key gets the error. */
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

async function perKey<V>(keys: readonly string[], call: () => Promise<V[]>): Promise<(V | Error)[]> {
  try {
    return await call();
  } catch (error) {
    const e = asError(error);
    return keys.map(() => e);
  }
}

/** Details of groups or rooms by id, in order; an id Agora does not know is a NotFound for that key. */
async function detailsOf(
  chat: ChatClient | undefined,
  kind: CollectiveKind,
  ids: readonly string[],
  opts: CallOptions = {},
): Promise<(ChatCollective | Error)[]> {
  if (!chat) throw chatNotConfigured();
  const found = await (kind === 'group' ? chat.groups : chat.rooms).details([...ids], opts).catch((error: unknown) => {
    // Agora answers 404 when none of the ids exist: then each key is simply not found.
    if (error instanceof AgoraNotFoundError) return [];
    throw error;
  });
  const byId = new Map(found.map((c) => [c.id, c]));
  return ids.map(
    (id) =>
      byId.get(id) ??
      new AgoraNotFoundError({
        service: 'chat',
        operation: `chat.${kind}s.details`,
        message: `No ${kind === 'group' ? 'group' : 'chat room'} has the id ${id}`,
      }),
  );
}

/** What a request's loaders share with every other request's: the shared reads, over the unbound client. */
export interface SharedAccess {
  reads: SharedReads;
  /** The client without any request's signal: a shared call outlives the request that started it. */
  base: AgoraClient;
  reader: Reader;
}

/** `batch: false` makes every key its own upstream call: for measuring what batching saves. */
export interface LoaderOptions {
  batch?: boolean;
  /** Reads shared across requests (cache, coalescing, cross-request batches); each request's own when absent. */
  shared?: SharedAccess | undefined;
}

/** What a set of loaders reads from: shared by every renewal of it (src/context.ts). */
interface LoaderState {
  /** The client bound to the unit of work. */
  agora: AgoraClient;
  viewer: string | undefined;
  batch: boolean;
  /** `batch: false` measures what batching saves: nothing is shared then either. */
  shared: SharedAccess | undefined;
}

// Read at the first call: binding Chat's namespaces is work a subscription's idle context need not hold.
const ownChat = ({ agora }: LoaderState): ChatClient => {
  const chat = agora.chat;
  if (!chat) throw chatNotConfigured();
  return chat;
};

/** A loader's batch size: its endpoint's maximum, or 1 when batching is measured off. */
const batchSize = ({ batch }: LoaderState, loader: keyof typeof LOADER_BATCH_SIZES): number => (batch ? LOADER_BATCH_SIZES[loader] : 1);

const baseChat = ({ shared }: LoaderState): ChatClient => {
  if (!shared?.base.chat) throw chatNotConfigured();
  return shared.base.chat;
};

/**
 * One loader per batch read, whether shared or not: `read` is called with the request's own client, or,
 * when reads are shared, with the unbound client for a chunk of keys that many requests may be waiting on.
 */
function batchLoader<V>(
  state: LoaderState,
  loader: keyof typeof LOADER_BATCH_SIZES,
  batch: SharedBatch,
  kind: ShareKind,
  read: (keys: readonly string[], client: ChatClient, opts: CallOptions) => Promise<(V | Error)[]>,
): DataLoader<string, V> {
  const { shared } = state;
  return new DataLoader<string, V>(
    (keys) =>
      perKey(keys, () =>
        shared
          ? shared.reads.many(batch, keys, kind, shared.reader, LOADER_BATCH_SIZES[loader], (chunk, ledger) => read(chunk, baseChat(state), { ledger }))
          : read(keys, ownChat(state), {}),
      ),
    { maxBatchSize: batchSize(state, loader) },
  );
}

const collective = (state: LoaderState, kind: CollectiveKind) =>
  batchLoader<ChatCollective>(state, kind === 'group' ? 'groups' : 'rooms', sharedKeys.details(kind), 'collective', (ids, client, opts) =>
    detailsOf(client, kind, ids, opts),
  );

/** Each loader is made on its first read: most units of work (a subscription's, most requests) read one or two. */
const makeLoaders = lazyKind<Loaders, LoaderState>({
  online: (state) =>
    batchLoader<OnlineState>(state, 'online', sharedKeys.onlineStates, 'online', async (usernames, client, opts) => {
      const states = await client.users.batchStatus([...usernames], opts);
      return usernames.map((u): OnlineState => states[u] ?? 'offline');
    }),

  // Agora reads presence as one user (whose subscriptions it checks); a shared read asks as the first user.
  presence: (state) =>
    batchLoader<Presence>(state, 'presence', sharedKeys.presence, 'online', (usernames, client, opts) =>
      client.presence.getMany({ username: (state.shared ? undefined : state.viewer) ?? usernames[0]!, users: [...usernames] }, opts),
    ),

  attributes: (state) => {
    const byNames = new Map<string, DataLoader<string, Attributes>>();
    return (keys) => {
      const names = [...new Set(keys)].sort();
      const id = JSON.stringify(names);
      let loader = byNames.get(id);
      if (!loader) {
        loader = batchLoader<Attributes>(state, 'attributes', sharedKeys.attributes(names), 'attributes', async (usernames, client, opts) => {
          const found = await client.metadata.getMany({ usernames: [...usernames], keys: names }, opts);
          return usernames.map((u): Attributes => found[u] ?? {});
        });
        byNames.set(id, loader);
      }
      return loader;
    };
  },

  memberPage: (state) => async (kind, id, pageNum, pageSize) => {
    const { shared } = state;
    const read = (client: ChatClient, opts: CallOptions) => (kind === 'group' ? client.groups : client.rooms).members({ id, pageNum, pageSize }, opts);
    if (!shared) return read(ownChat(state), {});
    const pages = sharedKeys.memberPages(kind, id);
    const generation = await shared.reads.generation(pages);
    return shared.reads.one(sharedKeys.memberPage(pages, generation, pageNum, pageSize), 'collective', shared.reader, (ledger) =>
      read(baseChat(state), { ledger }),
    );
  },

  joined: (state) => async (kind, username) => {
    const { shared } = state;
    if (!shared) return joinedIds(ownChat(state), kind, username);
    return shared.reads.one(sharedKeys.joined(kind, username), 'collective', shared.reader, (ledger) => joinedIds(baseChat(state), kind, username, { ledger }));
  },

  groups: (state) => collective(state, 'group'),
  rooms: (state) => collective(state, 'room'),

  // Agora has no batch read of users: one call per user, deduplicated and cached for the request.
  users: (state) =>
    new DataLoader(
      (usernames) =>
        Promise.all(
          usernames.map((u) =>
            (state.shared
              ? state.shared.reads.one(sharedKeys.user(u), 'user', state.shared.reader, (ledger) => baseChat(state).users.get(u, { ledger }))
              : ownChat(state).users.get(u)
            ).catch(asError),
          ),
        ),
      { maxBatchSize: batchSize(state, 'users') },
    ),
});

/**
 * The loaders of one unit of work (a request, or one subscription event). `agora` is the client bound
 * to that work, so the loaders' calls carry its abort signal and count in its ledger. `renewedLazy`
 * (src/lib/lazy.ts) makes the same loaders afresh, for the next event.
 */
export function createLoaders(agora: AgoraClient, viewer: string | undefined, options: LoaderOptions = {}): Loaders {
  const batch = options.batch !== false;
  return makeLoaders({ agora, viewer, batch, shared: batch ? options.shared : undefined });
}
