/**
 * The message store the gateway owns: Agora Chat's REST API has no conversation list, no history per
 * conversation and no unread counts, so the gateway keeps them from what it sees: its own sends, Chat's
 * post-send callbacks, and the hourly history export (./reconcile.ts), deduplicated by Agora's msg_id.
 *
 * A conversation is a one-to-one pair, a group or a room (its key: `user:<a>:<b>` with the names in
 * order, `group:<id>`, `room:<id>`). Each keeps its newest `maxPerConversation` messages for at most
 * `maxAgeMs`. A recall marks the message recalled; one recalled before it was known leaves a tombstone,
 * so a later copy (a late callback, the export) does not bring it back. A user's read horizon per
 * conversation only moves forward. In memory here (one instance); Redis in ./store-redis.ts, with the
 * same contract (test/conversations/store.test.ts runs one suite against both).
 */
import { z } from 'zod';
import type { ArchivedMessage } from '../agora/chat/messages.ts';
import { resourceId, username } from '../agora/chat/schemas.ts';

export type ConversationKind = ArchivedMessage['conversation'];

export interface StoredMessage extends ArchivedMessage {
  recalled: boolean;
  /** One-to-one messages: when the recipient's device got it, and when they read it (Chat's receipts). */
  deliveredAt?: number | undefined;
  readAt?: number | undefined;
}

/** Where a message sits in its conversation: by time, then by id (Agora's ids do not order by time). */
export interface Position {
  at: number;
  id: string;
}

export interface Activity {
  key: string;
  /** When the newest message was sent. */
  at: number;
  lastMessageId: string;
}

export interface RetentionSettings {
  maxPerConversation: number;
  maxAgeMs: number;
}

export interface MessagePage {
  /** Oldest first. */
  messages: StoredMessage[];
  /** Whether more lie beyond the end the page was read from. */
  more: boolean;
  /** How many messages the range holds in all. */
  total: number;
}

export interface UnreadQuery {
  key: string;
  username: string;
  since: number;
}

export interface PageRange {
  after?: Position | undefined;
  before?: Position | undefined;
  limit: number;
  /** Which end of the range the page is read from: the newest (chat pages backwards) or the oldest. */
  from: 'newest' | 'oldest';
}

export interface MessageStore {
  /** Stores what is new (by id) and answers what of it the retention keeps; a known or recalled id is left as it is. */
  add(messages: readonly ArchivedMessage[]): Promise<ArchivedMessage[]>;
  /**
   * Marks a message recalled (a tombstone when it is not known); answers it when this call recalled a
   * known message, once across instances (so that one of them says so).
   */
  recall(id: string): Promise<StoredMessage | undefined>;
  get(ids: readonly string[]): Promise<(StoredMessage | undefined)[]>;
  /**
   * Notes a receipt of a one-to-one message by its recipient (the first of each kind counts); answers
   * the message when this call noted it, once across instances.
   */
  receipt(id: string, receipt: { kind: 'read' | 'delivery'; by: string; at: number }): Promise<StoredMessage | undefined>;
  /** A user's one-to-one conversations, newest activity first. */
  peerConversations(username: string): Promise<Activity[]>;
  /** The newest message of each of these conversations (those without any are left out). */
  activity(keys: readonly string[]): Promise<Map<string, Activity>>;
  messages(key: string, range: PageRange): Promise<MessagePage>;
  /** For each query: messages of its conversation after `since` that `username` did not send, recalled ones left out. */
  unread(queries: readonly UnreadQuery[]): Promise<number[]>;
  readHorizons(username: string, keys: readonly string[]): Promise<Map<string, number>>;
  /** Moves the user's read horizon forward to `upTo` (never back); answers the horizon now. */
  markRead(username: string, key: string, upTo: number): Promise<number>;
  /** Whether the hour's export (`yyyyMMddHH`) was reconciled. */
  reconciled(hour: string): Promise<boolean>;
  markReconciled(hour: string): Promise<void>;
}

/** The conversation a message belongs to. */
export function conversationKeyOf(m: Pick<ArchivedMessage, 'conversation' | 'from' | 'to'>): string {
  if (m.conversation !== 'user') return `${m.conversation}:${m.to}`;
  return peerKey(m.from, m.to);
}

/** A conversation's key as a global id carries it, checked as every id is: `user:<a>:<b>`, `group:<id>`, `room:<id>`. */
export const conversationKey = z.string().superRefine((key, ctx) => {
  const parsed = parseConversationKey(key);
  const valid =
    parsed !== undefined &&
    (parsed.members
      ? parsed.members.every((m) => username.safeParse(m).success) && parsed.members[0] < parsed.members[1]
      : resourceId('id').safeParse(parsed.id).success);
  if (!valid) ctx.addIssue({ code: 'custom', message: 'it names no conversation' });
});

export const peerKey = (a: string, b: string) => (a < b ? `user:${a}:${b}` : `user:${b}:${a}`);

/** What a key names: a conversation with another user (seen from `viewer`), a group or a room. */
export function parseConversationKey(key: string, viewer?: string): { kind: ConversationKind; id: string; members?: [string, string] } | undefined {
  const [kind, a, b] = key.split(':');
  if ((kind === 'group' || kind === 'room') && a && b === undefined) return { kind, id: a };
  if (kind === 'user' && a && b) return { kind, id: viewer === a ? b : viewer === b ? a : `${a}:${b}`, members: [a, b] };
  return undefined;
}

export const compare = (x: Position, y: Position) => x.at - y.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
export const positionOf = (m: Pick<ArchivedMessage, 'timestamp' | 'id'>): Position => ({ at: m.timestamp, id: m.id });

/** The page of an ordered index (oldest first) that a range asks for; both stores page with it. */
export function pageOf<T extends Position>(index: readonly T[], range: PageRange): { items: T[]; more: boolean; total: number } {
  const inRange = index.filter((p) => (!range.after || compare(p, range.after) > 0) && (!range.before || compare(p, range.before) < 0));
  const items = range.from === 'newest' ? inRange.slice(Math.max(0, inRange.length - range.limit)) : inRange.slice(0, range.limit);
  return { items, more: inRange.length > items.length, total: inRange.length };
}

/** A receipt counts when it comes from the recipient of a one-to-one message (anyone else's says nothing of it). */
export const receiptApplies = (m: ArchivedMessage, by: string) => m.conversation === 'user' && m.to === by;

/** Keeps a sorted array sorted: inserts by position. */
function insertSorted(list: StoredMessage[], m: StoredMessage): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(positionOf(list[mid]!), positionOf(m)) < 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, m);
}

export function createMemoryMessageStore(retention: RetentionSettings, now: () => number = Date.now): MessageStore {
  const messages = new Map<string, StoredMessage>();
  /** Ids recalled before they were known. */
  const tombstones = new Map<string, number>();
  const conversations = new Map<string, StoredMessage[]>();
  const peers = new Map<string, Map<string, Activity>>();
  const horizons = new Map<string, Map<string, number>>();
  const reconciledHours = new Set<string>();

  const activityOf = (key: string): Activity | undefined => {
    const list = conversations.get(key);
    const last = list?.at(-1);
    return last && { key, at: last.timestamp, lastMessageId: last.id };
  };

  /** Drops what the retention no longer keeps, and the peers' entries of a conversation emptied. */
  const trim = (key: string) => {
    const list = conversations.get(key);
    if (!list) return;
    const oldest = now() - retention.maxAgeMs;
    let drop = Math.max(0, list.length - retention.maxPerConversation);
    while (drop < list.length && list[drop]!.timestamp < oldest) drop++;
    for (const m of list.splice(0, drop)) messages.delete(m.id);
    if (list.length === 0) conversations.delete(key);
  };

  const notePeers = (m: StoredMessage, key: string) => {
    if (m.conversation !== 'user') return;
    const activity = activityOf(key);
    for (const name of [m.from, m.to]) {
      const mine = peers.get(name) ?? new Map<string, Activity>();
      peers.set(name, mine);
      if (activity) mine.set(key, activity);
      else mine.delete(key);
    }
  };

  return {
    async add(batch) {
      const added: ArchivedMessage[] = [];
      for (const m of batch) {
        if (messages.has(m.id) || tombstones.has(m.id) || m.timestamp < now() - retention.maxAgeMs) continue;
        const stored: StoredMessage = { ...m, recalled: false };
        const key = conversationKeyOf(m);
        const list = conversations.get(key) ?? [];
        conversations.set(key, list);
        messages.set(m.id, stored);
        insertSorted(list, stored);
        trim(key);
        added.push(m);
        notePeers(stored, key);
      }
      // What the batch's own newer messages pushed out of the retention was not kept either.
      return added.filter((m) => messages.has(m.id));
    },
    async recall(id) {
      const known = messages.get(id);
      if (!known) {
        // A tombstone lasts as long as the message could have: past the age limit, no copy is stored anyway.
        for (const [old, at] of tombstones) if (at < now() - retention.maxAgeMs) tombstones.delete(old);
        tombstones.set(id, now());
        return undefined;
      }
      if (known.recalled) return undefined;
      known.recalled = true;
      return known;
    },
    get: async (ids) => ids.map((id) => messages.get(id)),
    async receipt(id, { kind, by, at }) {
      const m = messages.get(id);
      if (!m || !receiptApplies(m, by)) return undefined;
      const field = kind === 'read' ? 'readAt' : 'deliveredAt';
      if (m[field] !== undefined) return undefined;
      m[field] = at;
      return m;
    },
    async peerConversations(username) {
      return [...(peers.get(username)?.values() ?? [])].sort((x, y) => y.at - x.at || (x.key < y.key ? -1 : 1));
    },
    async activity(keys) {
      const out = new Map<string, Activity>();
      for (const key of keys) {
        const a = activityOf(key);
        if (a) out.set(key, a);
      }
      return out;
    },
    async messages(key, range) {
      const { items, more, total } = pageOf(
        (conversations.get(key) ?? []).map((m) => ({ at: m.timestamp, id: m.id, message: m })),
        range,
      );
      return { messages: items.map((i) => i.message), more, total };
    },
    async unread(queries) {
      return queries.map(
        ({ key, username, since }) => (conversations.get(key) ?? []).filter((m) => m.timestamp > since && m.from !== username && !m.recalled).length,
      );
    },
    async readHorizons(username, keys) {
      const mine = horizons.get(username);
      return new Map(keys.flatMap((k) => (mine?.has(k) ? [[k, mine.get(k)!] as const] : [])));
    },
    async markRead(username, key, upTo) {
      const mine = horizons.get(username) ?? new Map<string, number>();
      horizons.set(username, mine);
      const horizon = Math.max(mine.get(key) ?? 0, upTo);
      mine.set(key, horizon);
      return horizon;
    },
    reconciled: async (hour) => reconciledHours.has(hour),
    markReconciled: async (hour) => void reconciledHours.add(hour),
  };
}
