/**
 * The emulator's in-memory model of one Agora project. Signaling part: simulated SDK clients (online
 * state and joined channels), what each received, offline messages, stored history, the two destructive
 * event feeds and the pending history queries. Everything here is plain data; HTTP lives in signaling.ts.
 */
import { randomBytes } from 'node:crypto';
import { SIGNALING_LIMITS } from '../agora/limits.ts';
import { ChatState, type ChatObservation } from './chat/state.ts';

export interface InboxMessage {
  kind: 'peer' | 'channel';
  from: string;
  /** The receiving user for peer messages, the channel for channel messages. */
  to: string;
  payload: string;
  at: number;
  /** True when the message waited in offline storage until the receiver logged in. */
  viaOffline: boolean;
}

export interface StoredHistoryMessage {
  src: string;
  dst: string;
  message_type: 'peer_message' | 'channel_message';
  payload: string;
  ms: number;
}

export interface UserEventRecord {
  user_id: string;
  type: 'Login' | 'Logout';
  ms: number;
}

export interface ChannelEventRecord {
  group_id: string;
  user_id: string;
  type: 'Join' | 'Leave';
  ms: number;
}

export interface HistoryQuery {
  filter: { source?: string | undefined; destination?: string | undefined; startMs: number; endMs: number };
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
  readyAt: number;
  expiresAt: number;
}

interface SignalingClientState {
  online: boolean;
  channels: Set<string>;
  inbox: InboxMessage[];
  offline: InboxMessage[];
}

/** A simulated user's received messages are kept up to this many, so a long-running emulator stays small. */
export const INBOX_MAX = 10_000;
/** Stored history is kept up to this many messages (Agora's limit is 2 GB per app). */
export const HISTORY_MAX = 100_000;

/** A bounded FIFO: pushing past `max` drops the oldest, as Agora's event store does. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export function newRequestId(): string {
  // Agora's request ids are long decimal strings.
  return BigInt(`0x${randomBytes(8).toString('hex')}`).toString();
}

/** The region every listener serves and every event is stored in, unless told otherwise. */
export const DEFAULT_REGION = 'default';

/**
 * One region's event store (seed 002): Agora stores events per region and does not synchronise them,
 * keeps at most 2,000 of each kind, and a read removes what it returns.
 */
export class RegionEvents {
  readonly user: UserEventRecord[] = [];
  readonly channel: ChannelEventRecord[] = [];
  /** Events dropped because the store was full (observable through the control API). */
  dropped = 0;
}

export class SignalingState {
  private readonly clients = new Map<string, SignalingClientState>();
  readonly history: StoredHistoryMessage[] = [];
  readonly queries = new Map<string, HistoryQuery>();
  private readonly regions = new Map<string, RegionEvents>();
  /**
   * The regions each new event is stored in. More than one is the duplication fault: a read from each
   * region returns the same events, as a read from another region may do on Agora (seed 002).
   */
  eventRegions: string[] = [DEFAULT_REGION];

  events(region = DEFAULT_REGION): RegionEvents {
    let r = this.regions.get(region);
    if (!r) this.regions.set(region, (r = new RegionEvents()));
    return r;
  }

  /** Events waiting in every region, and those dropped because a store was full. */
  pendingEvents(): {
    userEvents: number;
    channelEvents: number;
    droppedEvents: number;
    regions: Record<string, { userEvents: number; channelEvents: number; droppedEvents: number }>;
  } {
    const regions = Object.fromEntries(
      [...this.regions].map(([name, r]) => [name, { userEvents: r.user.length, channelEvents: r.channel.length, droppedEvents: r.dropped }]),
    );
    const sum = (key: 'userEvents' | 'channelEvents' | 'droppedEvents') => Object.values(regions).reduce((n, r) => n + r[key], 0);
    return { userEvents: sum('userEvents'), channelEvents: sum('channelEvents'), droppedEvents: sum('droppedEvents'), regions };
  }

  private client(uid: string): SignalingClientState {
    let c = this.clients.get(uid);
    if (!c) this.clients.set(uid, (c = { online: false, channels: new Set(), inbox: [], offline: [] }));
    return c;
  }

  isOnline(uid: string): boolean {
    return this.clients.get(uid)?.online ?? false;
  }

  onlineUsers(): string[] {
    return [...this.clients].filter(([, c]) => c.online).map(([uid]) => uid);
  }

  channelMembers(channel: string): string[] {
    return [...this.clients].filter(([, c]) => c.online && c.channels.has(channel)).map(([uid]) => uid);
  }

  private record<K extends 'user' | 'channel'>(kind: K, event: RegionEvents[K][number]): void {
    for (const region of this.eventRegions) {
      const store = this.events(region);
      const list = store[kind] as RegionEvents[K][number][];
      if (list.length >= SIGNALING_LIMITS.eventStoreMax) store.dropped++;
      pushBounded(list, event, SIGNALING_LIMITS.eventStoreMax);
    }
  }

  private recordUserEvent(uid: string, type: UserEventRecord['type']): void {
    this.record('user', { user_id: uid, type, ms: Date.now() });
  }

  private recordChannelEvent(channel: string, uid: string, type: ChannelEventRecord['type']): void {
    this.record('channel', { group_id: channel, user_id: uid, type, ms: Date.now() });
  }

  /** A simulated SDK client logs in: a Login event, and offline messages are delivered. False: it already was (no event). */
  login(uid: string): boolean {
    const c = this.client(uid);
    if (c.online) return false;
    c.online = true;
    this.recordUserEvent(uid, 'Login');
    for (const m of c.offline.splice(0)) pushBounded(c.inbox, { ...m, viaOffline: true }, INBOX_MAX);
    return true;
  }

  /** Logging out leaves every joined channel first (a Leave event each), then a Logout event. False: it was not online (no event). */
  logout(uid: string): boolean {
    const c = this.clients.get(uid);
    if (!c?.online) return false;
    for (const channel of [...c.channels]) this.leave(uid, channel);
    c.online = false;
    this.recordUserEvent(uid, 'Logout');
    return true;
  }

  /** Returns false when the user is not logged in (an SDK must log in before joining). */
  join(uid: string, channel: string): boolean {
    const c = this.clients.get(uid);
    if (!c?.online) return false;
    if (c.channels.has(channel)) return true;
    c.channels.add(channel);
    this.recordChannelEvent(channel, uid, 'Join');
    return true;
  }

  leave(uid: string, channel: string): void {
    const c = this.clients.get(uid);
    if (!c?.channels.delete(channel)) return;
    this.recordChannelEvent(channel, uid, 'Leave');
  }

  inbox(uid: string): InboxMessage[] {
    return this.clients.get(uid)?.inbox ?? [];
  }

  clearInbox(uid: string): void {
    const c = this.clients.get(uid);
    if (c) c.inbox.length = 0;
  }

  offlineCount(uid: string): number {
    return this.clients.get(uid)?.offline.length ?? 0;
  }

  /**
   * Delivers a peer message. Online receivers get it at once; offline ones keep it in offline storage
   * (at most 200, the newest replacing the oldest) when `storeOffline`, and lose it otherwise.
   */
  deliverPeer(message: Omit<InboxMessage, 'viaOffline' | 'kind'>, storeOffline: boolean): 'online' | 'offline' {
    const c = this.client(message.to);
    const m: InboxMessage = { ...message, kind: 'peer', viaOffline: false };
    if (c.online) {
      pushBounded(c.inbox, m, INBOX_MAX);
      return 'online';
    }
    if (storeOffline) pushBounded(c.offline, m, SIGNALING_LIMITS.offlineMessagesPerReceiver);
    return 'offline';
  }

  /** Delivers a channel message to every member online in the channel except the sender. */
  deliverChannel(message: Omit<InboxMessage, 'viaOffline' | 'kind'>): number {
    let receivers = 0;
    for (const uid of this.channelMembers(message.to)) {
      if (uid === message.from) continue;
      pushBounded(this.client(uid).inbox, { ...message, kind: 'channel', viaOffline: false }, INBOX_MAX);
      receivers++;
    }
    return receivers;
  }

  storeHistory(message: StoredHistoryMessage): void {
    pushBounded(this.history, message, HISTORY_MAX);
  }

  /** Removes and returns up to `max` of a region's oldest events: Agora's reads are destructive. */
  takeUserEvents(max: number, region = DEFAULT_REGION): UserEventRecord[] {
    return this.events(region).user.splice(0, max);
  }

  takeChannelEvents(max: number, region = DEFAULT_REGION): ChannelEventRecord[] {
    return this.events(region).channel.splice(0, max);
  }

  matchHistory(filter: HistoryQuery['filter']): StoredHistoryMessage[] {
    return this.history.filter(
      (m) =>
        (!filter.source || m.src === filter.source) && (!filter.destination || m.dst === filter.destination) && m.ms >= filter.startMs && m.ms <= filter.endMs,
    );
  }
}

/** A Console callback rule: where to POST, its secret, and which events (all when absent). */
export interface CallbackRule {
  url: string;
  secret: string;
  events?: ('message' | 'recall' | 'status' | 'receipt')[] | undefined;
}

/** Everything one emulated project holds. */
export class EmulatorState {
  /** Where Chat callbacks go (up to 4 rules, as in the Console); kept across resets, like a Console setting. */
  chatCallbackRules: CallbackRule[] = [];
  /** The callback dispatcher, told of every Chat observation (src/emulator/chat/callbacks.ts). */
  chatObserver: ((observation: ChatObservation) => void) | undefined;
  private readonly notify = (observation: ChatObservation) => this.chatObserver?.(observation);
  signaling = new SignalingState();
  chat = new ChatState(this.notify);
  /** Chat app tokens accepted so far, and those declared expired through the control API. */
  chatTokens = { seen: new Set<string>(), expired: new Set<string>() };

  reset(): void {
    this.signaling = new SignalingState();
    this.chat = new ChatState(this.notify);
    this.chatTokens = { seen: new Set(), expired: new Set() };
  }
}
