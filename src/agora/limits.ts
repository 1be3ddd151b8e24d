/**
 * Agora's documented limits, as data. The client's rate budgets, the input validation and the emulator's
 * enforcement all read this one table, so a limit is changed in one place.
 * Sources: seeds 000-003 (Signaling), ../shared/agora-api.md §1.
 */

/** At most `limit` calls in any window of `windowMs`. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

const perSecond = (limit: number): RateLimit => ({ limit, windowMs: 1000 });
const perMinute = (limit: number): RateLimit => ({ limit, windowMs: 60_000 });
const perDay = (limit: number): RateLimit => ({ limit, windowMs: 24 * 3600_000 });

/**
 * Agora Chat rate limits per endpoint (seed 004's "Rate Limits" column), keyed by the emulator route
 * that serves the endpoint; the client uses the same key as the call's budget class. Limits are per
 * App Key. Where several seed rows share one route (the three push settings on PUT /users/{username}),
 * they share its budget.
 */
const CHAT_RATE_LIMITS = {
  'chat.users.register': perSecond(100),
  'chat.users.get': perSecond(100),
  'chat.users.list': perSecond(100),
  'chat.users.delete': perSecond(100),
  'chat.users.deleteMany': perSecond(30),
  'chat.users.deactivate': perSecond(100),
  'chat.users.activate': perSecond(100),
  'chat.users.disconnect': perSecond(100),
  'chat.users.status': perSecond(100),
  'chat.users.batchStatus': perSecond(50),
  'chat.users.offlineMessageCount': perSecond(100),
  'chat.users.offlineMessageStatus': perSecond(100),
  'chat.users.update': perSecond(100),
  'chat.push.single': perMinute(1200),
  'chat.push.label': perMinute(1200),
  'chat.push.task': perMinute(5),
  'chat.push.task.daily': perDay(100),
  /** "The total rate limit of the following methods is 100/second": every push label call shares it. */
  'chat.pushLabels': perSecond(100),
  'chat.messages.send': perSecond(100),
  'chat.files.upload': perSecond(100),
  'chat.files.download': perSecond(100),
  'chat.messages.history': perMinute(10),
  'chat.messages.recall': perSecond(100),
  'chat.messages.deleteConversation': perSecond(100),
  'chat.metadata.set': perSecond(100),
  'chat.metadata.get': perSecond(100),
  'chat.metadata.getMany': perSecond(100),
  'chat.metadata.delete': perSecond(100),
  'chat.metadata.capacity': perSecond(100),
  'chat.contacts.add': perSecond(100),
  'chat.contacts.remove': perSecond(100),
  'chat.contacts.list': perSecond(100),
  'chat.blocks.list': perSecond(50),
  'chat.blocks.add': perSecond(50),
  'chat.blocks.remove': perSecond(50),
  'chat.groups.list': perSecond(100),
  'chat.groups.joined': perSecond(100),
  'chat.groups.details': perSecond(100),
  'chat.groups.create': perSecond(100),
  'chat.groups.disable': perSecond(100),
  'chat.groups.enable': perSecond(100),
  'chat.groups.update': perSecond(100),
  'chat.groups.delete': perSecond(100),
  'chat.groups.members': perSecond(100),
  'chat.groups.addMember': perSecond(100),
  'chat.groups.addMembers': perSecond(100),
  'chat.groups.removeMembers': perSecond(100),
  'chat.groups.admins': perSecond(100),
  'chat.groups.addAdmin': perSecond(100),
  'chat.groups.removeAdmin': perSecond(100),
  'chat.rooms.list': perSecond(50),
  'chat.rooms.joined': perSecond(50),
  'chat.rooms.details': perSecond(100),
  'chat.rooms.create': perSecond(50),
  'chat.rooms.update': perSecond(100),
  'chat.rooms.delete': perSecond(100),
  'chat.rooms.setAttributes': perSecond(100),
  'chat.rooms.getAttributes': perSecond(100),
  'chat.rooms.forceSetAttributes': perSecond(100),
  'chat.rooms.removeAttributes': perSecond(100),
  'chat.rooms.forceRemoveAttributes': perSecond(100),
  'chat.rooms.members': perSecond(100),
  'chat.rooms.addMember': perSecond(100),
  'chat.rooms.addMembers': perSecond(100),
  'chat.rooms.removeMembers': perSecond(100),
  'chat.rooms.admins': perSecond(100),
  'chat.rooms.addAdmin': perSecond(100),
  'chat.rooms.removeAdmin': perSecond(100),
  'chat.mutes.set': perSecond(100),
  'chat.mutes.get': perSecond(100),
  'chat.mutes.list': perSecond(100),
  'chat.presence.set': perSecond(50),
  'chat.presence.subscribe': perSecond(50),
  'chat.presence.getMany': perSecond(50),
  'chat.presence.unsubscribe': perSecond(50),
  'chat.presence.subscriptions': perSecond(50),
  'chat.reactions.create': perSecond(100),
  'chat.reactions.list': perSecond(100),
  'chat.reactions.delete': perSecond(100),
  'chat.reactions.detail': perSecond(100),
  'chat.threads.create': perSecond(100),
  'chat.threads.update': perSecond(100),
  'chat.threads.delete': perSecond(100),
  'chat.threads.list': perSecond(100),
  'chat.threads.joined': perSecond(100),
  'chat.threads.joinedInGroup': perSecond(100),
  'chat.threads.members': perSecond(100),
  'chat.threads.addMembers': perSecond(100),
  'chat.threads.removeMembers': perSecond(100),
} as const satisfies Record<string, RateLimit>;

/** Rate limits per endpoint class. A class is shared by every endpoint that counts against it. */
/**
 * Budget classes only background work spends: Signaling's event stores are read by the poller alone (no
 * GraphQL field reads them), so it need leave no share of them to interactive callers.
 */
export const BACKGROUND_ONLY_BUDGETS = ['signaling.events'] as const;

export const RATE_LIMITS = {
  /** Seed 000/001: peer-to-peer plus channel messages, 500 calls/s per app id combined. */
  'signaling.messages': perSecond(500),
  /** Seed 002: user events plus channel events, 10 requests/s per app id. */
  'signaling.events': perSecond(10),
  /** agora-api.md §1.1: the older EN doc says 10/s, the newer CN doc 100/s; the stricter holds. */
  'signaling.history': perSecond(10),
  ...CHAT_RATE_LIMITS,
} as const satisfies Record<string, RateLimit>;

export type BudgetClass = keyof typeof RATE_LIMITS;

export const SIGNALING_LIMITS = {
  /** Seed 001: user ids and channel names are 1 to 64 characters. */
  idMaxLength: 64,
  /** Seed 001: a payload is not empty and at most 32 KB. */
  payloadMaxBytes: 32 * 1024,
  /** Seed 001: at most 200 offline messages are kept per receiver; the newest replaces the oldest. */
  offlineMessagesPerReceiver: 200,
  /** Seed 002: at most 2,000 events are stored; the newest replaces the oldest. */
  eventStoreMax: 2000,
  /** Seed 002: at most 1,000 events are returned per read. */
  eventsPerRead: 1000,
  /** agora-api.md §1.1: history page sizes. */
  historyPageSizes: [20, 50, 100] as const,
  /** agora-api.md §1.1: wait at least 2 s before reading an "in progress" history query again. */
  historyPollIntervalMs: 2000,
} as const;

/** Agora Chat's documented maxima (agora-api.md §2); requests over them are refused as Agora refuses them. */
export const CHAT_LIMITS = {
  /** Usernames: 1 to 64 characters of a-z 0-9 _ - . (no uppercase). */
  usernameMaxLength: 64,
  registerBatch: 60,
  batchStatus: 100,
  metadataTargets: 100,
  /** A user's attributes take at most 2 KB. */
  metadataBytesPerUser: 2048,
  groupDetailsIds: 100,
  memberBatch: 60,
  groupAdmins: 99,
  groupPageSize: 100,
  roomPageSize: 1000,
  joinedGroupsPageSize: 20,
  userListLimit: 100,
  groupListLimit: 1000,
  roomListLimit: 100,
  blocklistAdd: 500,
  messageUsers: 600,
  messageGroups: 3,
  messageRooms: 10,
  /** Message body plus ext at most 5 KB. */
  messageBytes: 5 * 1024,
  presenceUsers: 100,
  presenceExtBytes: 1024,
  presenceMaxExpirySeconds: 2_592_000,
  presenceSublistPageSize: 500,
  threadMembersBatch: 10,
  threadListLimit: 50,
  threadNameMaxLength: 64,
  reactionMessageIds: 20,
  /** Different reactions one message can carry. */
  reactionsPerMessage: 20,
  /** Users who can subscribe to one user's presence. */
  presenceSubscribers: 3000,
  /** Chat files: at most 10 MB, kept 7 days. */
  fileBytes: 10 * 1024 * 1024,
  fileRetentionMs: 7 * 24 * 3600_000,
  /** Hourly history files cover the last 3 days. */
  historyRetentionMs: 3 * 24 * 3600_000,
  reactionMaxLength: 128,
  pushLabelUsersBatch: 100,
  roomAttributes: 100,
  roomAttributeKeyMaxLength: 128,
  roomAttributeValueMaxLength: 4096,
  globalMuteListPageSize: 50,
  /** Default recall window: two minutes after sending. */
  recallWindowMs: 2 * 60_000,
  /** Push tasks by label or to all: at most three ongoing at once. */
  concurrentPushTasks: 3,
} as const;

/**
 * How groups (/chatgroups) and rooms (/chatrooms) differ on the wire (agora-api.md §2.6, §2.7): the
 * collection, the id and name fields, the page sizes and member maxima. Client and emulator read it.
 */
export const COLLECTIVE_WIRE = {
  group: {
    collection: 'chatgroups',
    /** Operation and route names: chat.groups.* */
    ops: 'groups',
    noun: 'group',
    idField: 'groupid',
    nameField: 'groupname',
    listLimit: CHAT_LIMITS.groupListLimit,
    memberPageSize: { max: CHAT_LIMITS.groupPageSize, fallback: 10 },
    joinedPageSize: { max: CHAT_LIMITS.joinedGroupsPageSize, fallback: 5 },
    maxUsers: { max: 100_000, fallback: 200 },
  },
  room: {
    collection: 'chatrooms',
    ops: 'rooms',
    noun: 'chat room',
    idField: 'id',
    nameField: 'name',
    listLimit: CHAT_LIMITS.roomListLimit,
    memberPageSize: { max: CHAT_LIMITS.roomPageSize, fallback: 1000 },
    joinedPageSize: { max: 1000, fallback: 1000 },
    maxUsers: { max: 10_000, fallback: 1000 },
  },
} as const;
