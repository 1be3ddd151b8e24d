/**
 * The authorization rules, in one place. Pothos scope-auth asks for these scopes by name on every field
 * (`authScopes: { … }`, any one granted is enough); this module says what each means for a viewer.
 * Who owns or administers a group or room, and who belongs to it, is read from Agora with the request's
 * own client and loaders, never taken from the token.
 *
 *   public      anyone, signed in or not
 *   user        a signed-in user (or an admin)
 *   moderator   the moderator role (or admin)
 *   admin       the admin role
 *   self        the viewer is this user (or an admin)
 *   selves      the viewer is each of these users (or an admin); an empty list is everyone: admin only
 *   watches     each of these users is the viewer or one of their contacts (or the viewer is a moderator)
 *   owns        the viewer owns this group or room (or is an admin)
 *   manages     the viewer owns or administers this group or room (or is an admin)
 *   memberOf    the viewer belongs to this group or room (or is a moderator)
 *   inChannels  the viewer is in each of these Signaling channels, as the joins and leaves the gateway
 *               has read say (or is a moderator); an empty list is every channel: moderators only
 */
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { CollectiveKind } from '../agora/chat/collectives.ts';
import { AgoraNotFoundError } from '../agora/errors.ts';
import { publicError } from './common/errors.ts';
import { noteRead } from './common/resource-reads.ts';
import { joinedIds } from '../loaders/index.ts';
import type { Context } from '../context.ts';

export interface CollectiveRef {
  kind: CollectiveKind;
  id: string;
}

export interface AuthScopes {
  public: boolean;
  user: boolean;
  moderator: boolean;
  admin: boolean;
  self: string;
  selves: readonly string[];
  watches: readonly string[];
  owns: CollectiveRef;
  manages: CollectiveRef;
  memberOf: CollectiveRef;
  inChannels: readonly string[];
}

/** What a refused scope asked for, compactly (the denial's `rule` extension): "moderator", "self alice", "manages group 42". */
function scopeInWords(scope: string, parameter: unknown): string {
  if (parameter === true || parameter === undefined) return scope;
  if (Array.isArray(parameter)) return `${scope} ${parameter.length > 0 ? parameter.join(', ') : '(none named)'}`;
  if (isRef(parameter)) return `${scope} ${parameter.kind} ${parameter.id}`;
  return parameter === '' ? `${scope} (none named)` : `${scope} ${String(parameter)}`;
}

const isRef = (parameter: unknown): parameter is CollectiveRef =>
  parameter !== null && typeof parameter === 'object' && 'kind' in parameter && 'id' in parameter;

const listed = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** Who a scope lets in, in words a person reads (the denial's message): "moderators", "alice", "members of group 42". */
function whoInWords(scope: string, parameter: unknown): string {
  const names = Array.isArray(parameter) ? (parameter as string[]) : [];
  const ref = isRef(parameter) ? `${parameter.kind} ${parameter.id}` : '';
  switch (scope) {
    case 'public':
      return 'anyone';
    case 'user':
      return 'signed-in users';
    case 'moderator':
      return 'moderators';
    case 'admin':
      return 'admins';
    case 'self':
      return parameter ? `"${String(parameter)}" themselves` : 'a user naming themselves';
    case 'selves':
      return names.length > 0 ? `${listed(names)} themselves` : 'admins (naming no users means everyone)';
    case 'watches':
      return `users whose contacts include ${listed(names)}`;
    case 'owns':
      return `the owner of ${ref}`;
    case 'manages':
      return `the owner and admins of ${ref}`;
    case 'memberOf':
      return `members of ${ref}`;
    case 'inChannels':
      return names.length > 0
        ? `users in ${names.length > 1 ? 'channels' : 'channel'} ${listed(names)}`
        : 'moderators (naming no channels means every channel)';
    default:
      return scope;
  }
}

interface FailureLike {
  kind: string;
  scope?: string;
  parameter?: unknown;
  failures?: FailureLike[];
}

/** The rule a denial applied, compactly: "one of: moderator, manages group 42". */
export function ruleInWords(failure: FailureLike): string {
  if (failure.kind === 'AuthScope' && failure.scope) return scopeInWords(failure.scope, failure.parameter);
  if (failure.kind === 'GrantedScope' && failure.scope) return `granted ${failure.scope}`;
  const parts = (failure.failures ?? []).map(ruleInWords);
  if (parts.length === 1) return parts[0]!;
  if (parts.length > 1) return `${failure.kind === 'AllAuthScopes' ? 'all of' : 'one of'}: ${parts.join(', ')}`;
  return 'a rule';
}

/** Who the rule lets in, for a person: "moderators or \"alice\" themselves". */
export function allowedInWords(failure: FailureLike): string {
  if (failure.kind === 'AuthScope' && failure.scope) return whoInWords(failure.scope, failure.parameter);
  const parts = (failure.failures ?? []).map(allowedInWords);
  if (parts.length === 0) return 'callers the rule names';
  if (parts.length === 1) return parts[0]!;
  const joiner = failure.kind === 'AllAuthScopes' ? ' and ' : ' or ';
  return `${parts.slice(0, -1).join(', ')}${joiner}${parts.at(-1)!}`;
}

/**
 * A field's advice to a signed-in caller it refused, declared beside its rule where the rule reads the
 * arguments (`extensions: { denied: "..." }`); `{me}` stands for the caller's username.
 */
export const DENIED_HINT = 'denied';

export function hintFor(extensions: Record<string, unknown> | null | undefined, username: string | undefined): string | undefined {
  const hint = extensions?.[DENIED_HINT];
  return typeof hint === 'string' ? hint.replaceAll('{me}', username ?? 'your username') : undefined;
}

/**
 * The viewer's role in a group or room, read from Agora; undefined when not in it, or when it does not
 * exist and the caller asked so. A rule asks `mustExist`: a group that does not exist is NOT_FOUND, the
 * truth a caller can act on, before any FORBIDDEN; a check at each event takes a deleted group as left.
 */
export async function roleIn(
  ctx: Context,
  ref: CollectiveRef,
  username: string,
  opts: { mustExist?: boolean } = {},
): Promise<'owner' | 'admin' | 'member' | undefined> {
  const chat = ctx.agora.chat;
  if (!chat) return undefined;
  // A live query whose rules read this membership runs again when it changes.
  noteRead(ctx, `${ref.kind === 'group' ? 'Group' : 'Room'}:${ref.id}`);
  const api = ref.kind === 'group' ? chat.groups : chat.rooms;
  const details = await (ref.kind === 'group' ? ctx.loaders.groups : ctx.loaders.rooms).load(ref.id).catch((error: unknown) => {
    if (!opts.mustExist) return undefined;
    if (error instanceof AgoraNotFoundError) throw publicError(`No ${ref.kind === 'group' ? 'group' : 'chat room'} has the id ${ref.id}`, 'NOT_FOUND');
    throw error;
  });
  if (!details) return undefined;
  if (details.owner === username) return 'owner';
  if ((await api.admins(ref.id)).includes(username)) return 'admin';
  // Read fresh, page by page until it is found: a rule does not trust the shared reads' cached list.
  const joined = await joinedIds(chat, ref.kind, username, {}, (ids) => ids.includes(ref.id));
  return joined.includes(ref.id) ? 'member' : undefined;
}

/**
 * Whether the viewer belongs to a group or room now (read from Agora), or is a moderator: what a check at
 * each event asks. A group that no longer exists is one the viewer has left.
 */
export async function belongsTo(ctx: Context, ref: CollectiveRef): Promise<boolean> {
  const { viewer } = ctx;
  if (viewer.roles.has('admin') || viewer.roles.has('moderator')) return true;
  return viewer.username !== undefined && (await roleIn(ctx, ref, viewer.username)) !== undefined;
}

/** Whether the viewer may watch these users' presence: each is the viewer or one of their contacts (read from Agora). */
export async function canWatch(ctx: Context, usernames: readonly string[]): Promise<boolean> {
  const { viewer } = ctx;
  if (viewer.roles.has('admin') || viewer.roles.has('moderator')) return true;
  const me = viewer.username;
  if (!me || !ctx.agora.chat) return false;
  const others = usernames.filter((u) => u !== me);
  if (others.length === 0) return true;
  const contacts = new Set(await ctx.agora.chat.contacts.list(me));
  return others.every((u) => contacts.has(u));
}

/** Whether the viewer is in each of these Signaling channels (as far as the poller's events tell), or a moderator. */
export function inChannels(ctx: Context, channels: readonly string[]): boolean {
  if (ctx.viewer.roles.has('admin') || ctx.viewer.roles.has('moderator')) return true;
  const me = ctx.viewer.username;
  return me !== undefined && channels.length > 0 && channels.every((c) => ctx.events.channels.isIn(me, c));
}

export function scopesFor(ctx: Context) {
  const { viewer } = ctx;
  const admin = viewer.roles.has('admin');
  const moderator = admin || viewer.roles.has('moderator');
  // Who the viewer is (their username) is read only by the rules that need it, when they run: an answer that
  // needed none of them is the same for every viewer of this kind and these roles, and subscription events
  // are shared by that (src/execution/live-execution.ts).
  const role = (ref: CollectiveRef) => {
    const me = viewer.username;
    return me ? roleIn(ctx, ref, me, { mustExist: true }) : Promise.resolve(undefined);
  };
  return {
    public: true,
    // A user's viewer has a username, a service's none (./viewer.ts).
    user: viewer.kind === 'user' || admin,
    moderator,
    admin,
    self: (username: string) => admin || viewer.username === username,
    selves: (usernames: readonly string[]) => admin || (usernames.length > 0 && usernames.every((u) => u === viewer.username)),
    watches: (usernames: readonly string[]) => canWatch(ctx, usernames),
    owns: async (ref: CollectiveRef) => admin || (await role(ref)) === 'owner',
    manages: async (ref: CollectiveRef) => admin || ['owner', 'admin'].includes((await role(ref)) ?? ''),
    memberOf: async (ref: CollectiveRef) => moderator || (await role(ref)) !== undefined,
    inChannels: (channels: readonly string[]) => inChannels(ctx, channels),
  };
}

/**
 * Lets go of the authorization answers cached for a context (Pothos keeps them per context object): a
 * subscription's context lives as long as its subscriber, and each of its events is authorized afresh.
 */
export const forgetSubscribeAuthorization = (context: unknown): void => RequestCache.clearForContext(context as object);
