/**
 * DataLoaders over Agora's batch endpoints, made per request (so nothing is cached across requests or
 * viewers). Each is chunked to its endpoint's documented maximum through `maxBatchSize`, so a nested
 * query costs ceil(n / maximum) calls per endpoint. Batch functions answer one value or one Error per
 * key, in key order; a failed call fails its own keys, never the whole request.
 */
import DataLoader from 'dataloader';
import type { ChatClient } from '../agora/chat/client.ts';
import type { ChatCollective, CollectiveKind } from '../agora/chat/collectives.ts';
import type { Attributes } from '../agora/chat/metadata.ts';
import type { Presence } from '../agora/chat/presence.ts';
import type { ChatUser } from '../agora/chat/schemas.ts';
import type { OnlineState } from '../agora/chat/users.ts';
import type { AgoraClient } from '../agora/client.ts';
import { AgoraNotFoundError, chatNotConfigured } from '../agora/errors.ts';
import { CHAT_LIMITS } from '../agora/limits.ts';
import { lazyObject } from '../lib/lazy.ts';

export interface Loaders {
  onlineStatus: DataLoader<string, OnlineState>;
  presence: DataLoader<string, Presence>;
  /** One loader per set of attribute names, since Agora's batch read names the attributes to return. */
  attributes(keys: readonly string[]): DataLoader<string, Attributes>;
  groups: DataLoader<string, ChatCollective>;
  rooms: DataLoader<string, ChatCollective>;
  users: DataLoader<string, ChatUser>;
}

/**
 * The batch size of each loader: the endpoint's documented maximum. The cost prediction reads the same
 * table, so predicted and actual calls agree.
 */
export const LOADER_BATCH_SIZES = {
  onlineStatus: CHAT_LIMITS.batchStatus,
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

function collectiveLoader(chat: ChatClient | undefined, kind: CollectiveKind, maxBatchSize: number): DataLoader<string, ChatCollective> {
  return new DataLoader<string, ChatCollective>(
    (ids) =>
      perKey(ids, async () => {
        if (!chat) throw chatNotConfigured();
        const found = await (kind === 'group' ? chat.groups : chat.rooms).details([...ids]).catch((error: unknown) => {
          // Agora answers 404 when none of the ids exist: then each key is simply not found.
          if (error instanceof AgoraNotFoundError) return [];
          throw error;
        });
        const byId = new Map(found.map((c) => [c.id, c]));
        return ids.map(
          (id) =>
            byId.get(id) ??
            new AgoraNotFoundError({ service: 'chat', operation: `chat.${kind}s.details`, message: `No ${kind === 'group' ? 'group' : 'chat room'} has the id ${id}` }),
        );
      }),
    { maxBatchSize },
  );
}

/** `batch: false` makes every key its own upstream call: for measuring what batching saves. */
export interface LoaderOptions {
  batch?: boolean;
}

/**
 * The loaders of one unit of work (a request, or one subscription event). `agora` is the client bound
 * to that work, so the loaders' calls carry its abort signal and count in its ledger.
 */
export function createLoaders(agora: AgoraClient, viewer: string | undefined, options: LoaderOptions = {}): Loaders {
  const size = (loader: keyof typeof LOADER_BATCH_SIZES) => (options.batch === false ? 1 : LOADER_BATCH_SIZES[loader]);
  const chat = agora.chat;
  const need = (): ChatClient => {
    if (!chat) throw chatNotConfigured();
    return chat;
  };
  const attributeLoaders = new Map<string, DataLoader<string, Attributes>>();

  // Made on first use: a subscription event renews its loaders and usually needs none of them.
  return lazyObject<Loaders>({
    onlineStatus: () =>
      new DataLoader(
        (usernames) =>
          perKey(usernames, async () => {
            const states = await need().users.batchStatus([...usernames]);
            return usernames.map((u) => states[u] ?? 'offline');
          }),
        { maxBatchSize: size('onlineStatus') },
      ),

    presence: () =>
      new DataLoader(
        (usernames) =>
          // Agora reads presence from some user's point of view; the viewer's, or the first asked.
          perKey(usernames, () => need().presence.getMany({ username: viewer ?? usernames[0]!, users: [...usernames] })),
        { maxBatchSize: size('presence') },
      ),

    attributes: () => (keys) => {
      const names = [...new Set(keys)].sort();
      const id = JSON.stringify(names);
      let loader = attributeLoaders.get(id);
      if (!loader) {
        loader = new DataLoader(
          (usernames) =>
            perKey(usernames, async () => {
              const found = await need().metadata.getMany({ usernames: [...usernames], keys: names });
              return usernames.map((u) => found[u] ?? {});
            }),
          { maxBatchSize: size('attributes') },
        );
        attributeLoaders.set(id, loader);
      }
      return loader;
    },

    groups: () => collectiveLoader(chat, 'group', size('groups')),
    rooms: () => collectiveLoader(chat, 'room', size('rooms')),

    // Agora has no batch read of users: one call per user, deduplicated and cached for the request.
    users: () =>
      new DataLoader((usernames) => Promise.all(usernames.map((u) => need().users.get(u).catch(asError))), {
        maxBatchSize: size('users'),
      }),
  });
}
