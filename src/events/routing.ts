/**
 * Routing: which live listeners hear an event. Most subscriptions want the events of a few users, one
 * channel or one group; without an index, every event was offered to every subscriber's filter (bench/fanout.ts
 * measures what that costs at scale). An event carries the
 * key of what it is about; a listener registered for some keys hears only events with one of them, and
 * a listener registered for none hears every event. The keys only narrow who is asked: each subscriber's
 * own filter still decides, so a listener's keys must cover every event its filter accepts.
 */
import type { GatewayEvent, Sequenced } from './types.ts';

export const routingKey = {
  user: (username: string) => `user:${username}`,
  channel: (channel: string) => `channel:${channel}`,
  collective: (kind: 'group' | 'room', id: string) => `${kind}:${id}`,
  /** A conversation of the message store, by its key (`user:a:b`, `group:1`). */
  conversation: (key: string) => `conversation:${key}`,
};

/** What an event is about, as its routing key (none: only listeners of every event hear it). */
export function routingKeyOf(event: GatewayEvent): string | undefined {
  switch (event.kind) {
    case 'user':
    case 'user-moderation':
    case 'user-updated':
    case 'presence':
    case 'chat-user-status':
      return routingKey.user(event.username);
    case 'channel':
      return routingKey.channel(event.channel);
    case 'group':
    case 'room':
      return routingKey.collective(event.kind, event.id);
    case 'conversation':
    case 'typing':
      return routingKey.conversation(event.key);
    default:
      return undefined;
  }
}

export type Listener = (event: Sequenced) => void;

export interface ListenerIndex {
  /** Registers a listener of the events with one of `keys`, or of every event; answers the removal. */
  add(listener: Listener, keys?: readonly string[]): () => void;
  /** Hands the event to its listeners: those of every event first (observers such as the cache's), then those of its keys. */
  dispatch(event: Sequenced): void;
  clear(): void;
}

export function createListenerIndex(): ListenerIndex {
  const everything = new Set<Listener>();
  const byKey = new Map<string, Set<Listener>>();
  return {
    add(listener, keys) {
      if (!keys) {
        everything.add(listener);
        return () => everything.delete(listener);
      }
      for (const key of keys) {
        let set = byKey.get(key);
        if (!set) byKey.set(key, (set = new Set()));
        set.add(listener);
      }
      return () => {
        for (const key of keys) {
          const set = byKey.get(key);
          set?.delete(listener);
          if (set?.size === 0) byKey.delete(key);
        }
      };
    },
    dispatch(event) {
      for (const listener of everything) listener(event);
      const key = routingKeyOf(event.event);
      const keyed = key === undefined ? undefined : byKey.get(key);
      if (keyed) for (const listener of keyed) listener(event);
    },
    clear() {
      everything.clear();
      byKey.clear();
    },
  };
}
