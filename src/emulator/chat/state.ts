/**
 * The emulator's model of one Agora Chat app: users and their simulated SDK devices, attributes,
 * contacts and blocks, groups, rooms, threads, messages, presence, mutes, reactions and push labels.
 * Plain data and the rules Agora documents; HTTP lives in the route modules beside this file.
 */
import { randomUUID } from 'node:crypto';

export interface ChatUserRecord {
  seq: number;
  uuid: string;
  username: string;
  created: number;
  modified: number;
  activated: boolean;
  nickname?: string | undefined;
  /** 0: notifications say only "new message"; 1: they show the content. */
  displayStyle: 0 | 1;
  doNotDisturb?: { enabled: boolean; start: string; end: string } | undefined;
  /** Simulated SDK clients connected as this user. */
  devices: number;
}

/** A chat group or chat room: they share membership, admins and lifecycle. */
export interface CollectiveRecord {
  kind: 'group' | 'room';
  seq: number;
  id: string;
  name: string;
  description: string;
  avatar: string;
  public: boolean;
  maxUsers: number;
  allowInvites: boolean;
  membersOnly: boolean;
  inviteNeedConfirm: boolean;
  owner: string;
  /** Members other than the owner, in joining order. */
  members: Set<string>;
  admins: Set<string>;
  created: number;
  custom: string;
  disabled: boolean;
  muteAll: boolean;
  /** Room attributes: key -> value and the user who set it. */
  attributes: Map<string, { value: string; owner: string }>;
}

export type ChatType = 'chat' | 'groupchat' | 'chatroom';

export interface ChatMessageRecord {
  id: string;
  from: string;
  /** A username, group id or room id, by chatType. */
  to: string;
  chatType: ChatType;
  /** Agora's wire type: txt, img, audio, video, file, loc, cmd, custom. */
  type: string;
  body: Record<string, unknown>;
  ext: Record<string, unknown> | undefined;
  timestamp: number;
  recalled: boolean;
}

/** Global mutes: per scope, muted until this epoch ms (0: not muted). */
export interface GlobalMute {
  chat: number;
  groupchat: number;
  chatroom: number;
}

export interface PresenceRecord {
  /** Status per device resource. */
  devices: Map<string, string>;
  ext: string;
  /** Epoch ms of the last change. */
  lastChanged: number;
}

export interface ThreadRecord {
  seq: number;
  id: string;
  name: string;
  owner: string;
  groupId: string;
  msgId: string;
  created: number;
  members: Set<string>;
}

/** One reaction on one message: who reacted, in order. */
export interface ReactionRecord {
  id: string;
  users: string[];
  created: number;
}

export interface PushLabelRecord {
  seq: number;
  name: string;
  description: string;
  created: number;
  /** username -> when added, with a sequence for paging */
  users: Map<string, { seq: number; created: number }>;
}

/** A push notification the emulator "delivered", for tests and demos to inspect. */
export interface PushRecord {
  username: string;
  title: string | undefined;
  content: string | undefined;
  at: number;
  taskId: string | undefined;
}

export interface StoredFile {
  uuid: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  /** Set when uploaded with restricted access: downloads must present it. */
  secret: string | undefined;
  created: number;
}

/** Kept messages and each user's received messages are bounded, so a long-running emulator stays small. */
export const MESSAGES_MAX = 100_000;
export const CHAT_INBOX_MAX = 10_000;

/** What a Chat callback rule would report: the emulator's dispatcher turns these into signed POSTs. */
export type ChatObservation =
  | { type: 'message'; message: ChatMessageRecord }
  | { type: 'recall'; message: ChatMessageRecord }
  /** A user's SDK client acknowledged a one-to-one message: it reached a device (delivery), or was read. */
  | { type: 'receipt'; ack: 'read' | 'delivery'; by: string; message: ChatMessageRecord }
  | { type: 'status'; username: string; status: 'online' | 'offline'; reason: 'login' | 'logout'; device: string };

export class ChatState {
  private readonly observe: (observation: ChatObservation) => void;

  /** `observe` is told of messages, recalls, logins and logouts (the callback dispatcher listens). */
  constructor(observe: (observation: ChatObservation) => void = () => undefined) {
    this.observe = observe;
  }

  /** Marks a message recalled, and says so. */
  recall(message: ChatMessageRecord): void {
    message.recalled = true;
    this.observe({ type: 'recall', message });
  }

  private seq = 0;
  readonly users = new Map<string, ChatUserRecord>();
  /** Message ids each user has not received yet because they were offline. */
  readonly offlineQueues = new Map<string, Set<string>>();
  /** Every message id ever queued for a user, to answer delivery-state queries. */
  readonly queuedFor = new Map<string, Set<string>>();
  readonly attributes = new Map<string, Record<string, string>>();
  readonly contacts = new Map<string, Set<string>>();
  readonly blocks = new Map<string, Set<string>>();
  readonly groups = new Map<string, CollectiveRecord>();
  readonly messages = new Map<string, ChatMessageRecord>();
  /** What each user's simulated devices received, oldest first. */
  readonly inboxes = new Map<string, ChatMessageRecord[]>();
  readonly globalMutes = new Map<string, GlobalMute>();
  readonly presence = new Map<string, PresenceRecord>();
  /** subscriber -> (subscribed user -> expiry epoch ms) */
  readonly subscriptions = new Map<string, Map<string, number>>();
  /** message id -> (reaction -> who reacted) */
  readonly reactions = new Map<string, Map<string, ReactionRecord>>();
  readonly threads = new Map<string, ThreadRecord>();
  readonly pushLabels = new Map<string, PushLabelRecord>();
  /** When each ongoing push task ends. */
  pushTasks: number[] = [];
  readonly pushes: PushRecord[] = [];
  readonly files = new Map<string, StoredFile>();
  readonly rooms = new Map<string, CollectiveRecord>();
  private nextId = 100_000_000_000_000;

  /** Agora's group, room and message ids are long digit strings. */
  newId(): string {
    this.nextId += 1 + Math.floor(Math.random() * 1000);
    return String(this.nextId);
  }

  collectives(kind: CollectiveRecord['kind']): Map<string, CollectiveRecord> {
    return kind === 'group' ? this.groups : this.rooms;
  }

  /** Creates a group or room; settings not given take Agora's defaults. */
  addCollective(
    kind: CollectiveRecord['kind'],
    init: Pick<CollectiveRecord, 'name' | 'owner' | 'maxUsers'> &
      Partial<Pick<CollectiveRecord, 'description' | 'avatar' | 'public' | 'allowInvites' | 'membersOnly' | 'inviteNeedConfirm' | 'custom'>> & {
        members?: Iterable<string>;
      },
  ): CollectiveRecord {
    const { members, ...given } = init;
    // A setting passed as undefined keeps Agora's default.
    const settings = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as typeof given;
    const c: CollectiveRecord = {
      kind,
      seq: this.nextSeq(),
      id: this.newId(),
      description: '',
      avatar: '',
      public: true,
      allowInvites: false,
      membersOnly: false,
      inviteNeedConfirm: false,
      custom: '',
      ...settings,
      members: new Set([...(members ?? [])].filter((m) => m !== init.owner)),
      admins: new Set(),
      created: Date.now(),
      disabled: false,
      muteAll: false,
      attributes: new Map(),
    };
    this.collectives(kind).set(c.id, c);
    return c;
  }

  /** Stores a new message (delivery is separate: see deliver). */
  addMessage(init: Pick<ChatMessageRecord, 'from' | 'to' | 'chatType' | 'type' | 'body' | 'ext'> & { timestamp?: number }): ChatMessageRecord {
    const message: ChatMessageRecord = { id: this.newId(), timestamp: Date.now(), recalled: false, ...init };
    this.storeMessage(message);
    this.observe({ type: 'message', message });
    return message;
  }

  /** The set stored under `key`, created empty on first use. */
  static setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    return set;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  addUser(username: string, fields: { nickname?: string | undefined } = {}): ChatUserRecord {
    const now = Date.now();
    const user: ChatUserRecord = {
      seq: this.nextSeq(),
      uuid: randomUUID(),
      username,
      created: now,
      modified: now,
      activated: true,
      nickname: fields.nickname,
      displayStyle: 0,
      devices: 0,
    };
    this.users.set(username, user);
    return user;
  }

  deleteUser(username: string): ChatUserRecord | undefined {
    const user = this.users.get(username);
    if (!user) return undefined;
    this.users.delete(username);
    this.offlineQueues.delete(username);
    this.attributes.delete(username);
    this.inboxes.delete(username);
    this.globalMutes.delete(username);
    this.presence.delete(username);
    this.subscriptions.delete(username);
    for (const map of [this.contacts, this.blocks]) {
      map.delete(username);
      for (const set of map.values()) set.delete(username);
    }
    // Groups and rooms a deleted user owns are deleted with them; they leave the others.
    for (const map of [this.groups, this.rooms]) {
      for (const [id, c] of map) {
        if (c.owner === username) map.delete(id);
        c.members.delete(username);
        c.admins.delete(username);
      }
    }
    return user;
  }

  isOnline(username: string): boolean {
    return (this.users.get(username)?.devices ?? 0) > 0;
  }

  /** A simulated SDK client connects: offline messages are delivered. Refused for banned users. */
  connect(username: string): 'ok' | 'no-such-user' | 'banned' {
    const user = this.users.get(username);
    if (!user) return 'no-such-user';
    if (!user.activated) return 'banned';
    user.devices++;
    this.setPresence(username, `emulator_${user.devices}`, '1');
    this.observe({ type: 'status', username, status: 'online', reason: 'login', device: `emulator_${user.devices}` });
    const queue = this.offlineQueues.get(username);
    for (const id of queue ?? []) {
      const message = this.messages.get(id);
      if (message && !message.recalled) this.receive(username, message);
    }
    queue?.clear();
    return 'ok';
  }

  disconnect(username: string): void {
    const user = this.users.get(username);
    if (!user) return;
    if (user.devices > 0) this.observe({ type: 'status', username, status: 'offline', reason: 'logout', device: `emulator_${user.devices}` });
    user.devices = 0;
    const presence = this.presence.get(username);
    if (presence) {
      for (const resource of presence.devices.keys()) presence.devices.set(resource, '0');
      presence.lastChanged = Date.now();
    }
  }

  setPresence(username: string, resource: string, status: string, ext?: string): void {
    let p = this.presence.get(username);
    if (!p) this.presence.set(username, (p = { devices: new Map(), ext: '', lastChanged: 0 }));
    p.devices.set(resource, status);
    if (ext !== undefined) p.ext = ext;
    p.lastChanged = Date.now();
  }

  queueOffline(username: string, messageId: string): void {
    ChatState.setOf(this.offlineQueues, username).add(messageId);
    ChatState.setOf(this.queuedFor, username).add(messageId);
  }

  receive(username: string, message: ChatMessageRecord): void {
    let inbox = this.inboxes.get(username);
    if (!inbox) this.inboxes.set(username, (inbox = []));
    inbox.push(message);
    if (inbox.length > CHAT_INBOX_MAX) inbox.splice(0, inbox.length - CHAT_INBOX_MAX);
    // The SDK acknowledges a one-to-one message on the device it reached.
    if (message.chatType === 'chat') this.observe({ type: 'receipt', ack: 'delivery', by: username, message });
  }

  /** The user's SDK client reads a message it received: a read receipt. Answers whether it had it. */
  read(username: string, messageId: string): boolean {
    const message = this.inboxes.get(username)?.find((m) => m.id === messageId);
    if (!message) return false;
    this.observe({ type: 'receipt', ack: 'read', by: username, message });
    return true;
  }

  storeMessage(message: ChatMessageRecord): void {
    this.messages.set(message.id, message);
    if (this.messages.size > MESSAGES_MAX) {
      const oldest = this.messages.keys().next().value;
      if (oldest !== undefined) this.messages.delete(oldest);
    }
  }

  /** Delivers to online users now; keeps it for offline ones unless `onlineOnly`. */
  deliver(message: ChatMessageRecord, recipients: Iterable<string>, onlineOnly: boolean): void {
    for (const username of recipients) {
      if (!this.users.has(username)) continue;
      if (this.isOnline(username)) this.receive(username, message);
      else if (!onlineOnly) this.queueOffline(username, message.id);
    }
  }

  /** Whether `username` is globally muted in a scope now. */
  isMuted(username: string, scope: ChatType): boolean {
    return (this.globalMutes.get(username)?.[scope] ?? 0) > Date.now();
  }

  /** Bytes of every user's attributes, as Agora counts capacity. */
  attributesCapacity(): number {
    let n = 0;
    for (const a of this.attributes.values()) for (const [k, v] of Object.entries(a)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
    return n;
  }
}

/** Agora's user entity as the REST API shows it. */
export function userEntity(u: ChatUserRecord): Record<string, unknown> {
  return {
    uuid: u.uuid,
    type: 'user',
    created: u.created,
    modified: u.modified,
    username: u.username,
    activated: u.activated,
    ...(u.nickname === undefined ? {} : { nickname: u.nickname }),
    notification_display_style: u.displayStyle,
    ...(u.doNotDisturb
      ? {
          notification_no_disturbing: u.doNotDisturb.enabled,
          notification_no_disturbing_start: u.doNotDisturb.start,
          notification_no_disturbing_end: u.doNotDisturb.end,
        }
      : {}),
  };
}
