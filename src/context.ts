/**
 * The one context factory of both doors. HTTP (yoga) and WebSocket (graphql-ws) each describe the
 * request as a RequestScope (who asks, and the signal that aborts when they go away); everything a
 * resolver needs follows from it: an Agora client bound to the request, its cost ledger and its loaders.
 */
import type { Reconciler } from './conversations/reconcile.ts';
import type { MessageStore } from './conversations/store.ts';
import { CallLedger } from './agora/call-ledger.ts';
import type { Priority } from './agora/budgets.ts';
import type { AgoraClient } from './agora/client.ts';
import type { SharedReads } from './cache/shared-reads.ts';
import type { Events } from './events/pipeline.ts';
import { createInterner } from './lib/intern.ts';
import { renewedLazy } from './lib/lazy.ts';
import { createLoaders } from './loaders/index.ts';
import type { Viewer } from './auth/viewer.ts';
import type { Loaders } from './loaders/index.ts';

/** What every resolver sees. */
export interface Context {
  /** Agora, bound to this request: its abort signal and cost ledger go with every call. */
  agora: AgoraClient;
  /** Whether the gateway talks to the embedded emulator or to Agora. */
  mode: 'emulator' | 'agora';
  viewer: Viewer;
  /**
   * Who the answers are for, so that one execution of a subscription event serves many subscribers
   * (src/execution/live-execution.ts). `narrow`: contexts of this viewer (and freshness) get the same answer to the
   * same operation. `wide`: so do all viewers of this kind and these roles, when nothing read who the viewer
   * is. Resolvers and rules read the viewer's identity through `viewer.username`, and only there.
   */
  audience: Audience;
  /** The peer's address (anonymous callers' fair share goes by it). */
  clientAddress: string | undefined;
  /** DataLoaders over Agora's batch endpoints, made per request (and per event of a subscription). */
  loaders: Loaders;
  /** Every upstream call the request made (`agora` records into it): `extensions.cost.actual`. */
  ledger: CallLedger;
  /** A new set of loaders, so that each subscription event reads Agora afresh. */
  renewLoaders(this: Context): void;
  /** The event pipeline: subscriptions read it, mutations publish what they changed. */
  events: Events;
  /** The gateway's own record of Chat messages by conversation (src/conversations/). */
  conversations: MessageStore;
  /** Reads an hour's export into the store on demand (an operator's `reconcileMessages`). */
  reconciler: Pick<Reconciler, 'reconcileHour'>;
  /** What the context was made for: a live query makes a fresh context of it for every re-execution. */
  scope: RequestScope;
  /** In a live query's execution: the resources it read (`User:alice`), which decide when it runs again. */
  liveReads?: Set<string>;
}

/** Who a context's answers are for (the context's `audience`): equal strings, equal answers. */
export interface Audience {
  /** This viewer. */
  narrow: string;
  /** Every viewer of this one's kind and roles: equal answers when nothing read who the viewer is. */
  wide: string;
}

export interface RequestScope {
  viewer: Viewer;
  /** Aborts when the client goes away (HTTP request closed, socket closed). */
  signal?: AbortSignal | undefined;
  /** The peer's address: anonymous callers' fair share goes by it. */
  clientAddress?: string | undefined;
  /** The caller asked for fresh data (x-graphql-fresh, or Cache-Control: no-cache): shared reads skip their cache. */
  fresh?: boolean | undefined;
  /** The budgets' priority of the Agora calls made for it: `background` for a live query's re-executions. */
  priority?: Priority | undefined;
}

export interface ContextParts {
  agora: AgoraClient;
  mode: Context['mode'];
  events: Events;
  conversations: MessageStore;
  reconciler: Pick<Reconciler, 'reconcileHour'>;
  /** Reads shared across requests (src/cache/shared-reads.ts). */
  shared?: SharedReads | undefined;
  /** Diagnostic: false makes every loader key its own upstream call (bench/batching.ts compares). */
  batching?: boolean | undefined;
}

/**
 * What answers depend on besides the operation: who asks (`expiresAt` only ends a socket) and whether they
 * asked for fresh data. At two grains: this viewer, and every viewer of its kind and roles.
 */
function audienceOf({ viewer, fresh }: RequestScope): Audience {
  // Worked out once per viewer: a verified token's viewer is one object for every request it makes.
  let known = audiences.get(viewer);
  if (!known) audiences.set(viewer, (known = {}));
  const grain = fresh ? 'fresh' : 'cached';
  let audience = known[grain];
  if (!audience) {
    const roles = [...viewer.roles].sort();
    known[grain] = audience = {
      narrow: JSON.stringify(['viewer', viewer.kind, viewer.username ?? null, roles, fresh ?? false]),
      // The same few for every viewer: one instance each, not one per subscription holding it.
      wide: wideAudience(JSON.stringify(['kind and roles', viewer.kind, roles, fresh ?? false])),
    };
  }
  return audience;
}

const audiences = new WeakMap<Viewer, { fresh?: Audience; cached?: Audience }>();

const wideAudience = createInterner(100);

/**
 * A context for one execution that notes whether anything read who the viewer is (`viewer.username`):
 * when nothing did, the answer is the same for every viewer of its audience's wide grain. Everything else
 * is the given context's, through its prototype.
 */
export function watchingIdentity<C extends { viewer: Viewer }>(context: C): { context: C; identityRead(): boolean } {
  let read = false;
  const { viewer } = context;
  const watched: Viewer = {
    kind: viewer.kind,
    roles: viewer.roles,
    expiresAt: viewer.expiresAt,
    get username() {
      read = true;
      return viewer.username;
    },
  };
  return { context: Object.create(context, { viewer: { value: watched, enumerable: true } }) as C, identityRead: () => read };
}

/**
 * One function for every context (not a closure each: a subscription's context lives as long as its
 * subscriber). `this`: yoga hands resolvers a context merged from ours, not ours itself. Loaders no event
 * has touched hold nothing yet: they are as fresh as new ones (and cost nothing).
 */
function renewLoaders(this: Context): void {
  this.loaders = renewedLazy(this.loaders);
}

export function createContextFactory(parts: ContextParts): (scope: RequestScope) => Context {
  const batch = parts.batching ?? true;
  return (scope) => {
    const ledger = new CallLedger();
    const agora = parts.agora.bind({ signal: scope.signal, ledger, priority: scope.priority });
    // A shared call outlives its request (no signal), but keeps the priority of the work that started it.
    const base = scope.priority ? parts.agora.bind({ priority: scope.priority }) : parts.agora;
    const shared = parts.shared && { reads: parts.shared, base, reader: { ledger, fresh: scope.fresh ?? false } };
    const context: Context = {
      agora,
      mode: parts.mode,
      events: parts.events,
      conversations: parts.conversations,
      reconciler: parts.reconciler,
      viewer: scope.viewer,
      scope,
      audience: audienceOf(scope),
      clientAddress: scope.clientAddress,
      ledger,
      loaders: createLoaders(agora, scope.viewer.username, { batch, shared }),
      renewLoaders,
    };
    return context;
  };
}
