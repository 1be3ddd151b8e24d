/**
 * Live queries: `query @live { ... }` over graphql-ws or SSE answers its result at once, then a whole new
 * result whenever something it read has changed, at most once per throttle.
 *
 * What an execution read is recorded as resources (src/schema/common/resource-reads.ts: `User:alice`,
 * `Group:123` for every node whose fields it resolved, and `Query.field` for its root fields). What changed
 * comes from the same events that drop the shared reads' values (src/cache/invalidation.ts): the gateway's
 * own mutations, the poller's and presence watcher's reads and Chat's callbacks, from every instance through
 * the event log. A re-execution waits until the shared reads have dropped what the event changed.
 *
 * Live queries of one shape (the same parsed operation, the same variables and the same audience: see
 * src/execution/event-shapes.ts) are one group and share each re-execution and its result, as subscribers
 * share an event's. A group first has the wide audience (every viewer of one kind and set of roles) when its
 * first execution did not read who the viewer is, else the viewer's own; a wide group whose re-execution
 * reads the viewer splits into one group per viewer. Every re-execution has a fresh context (loaders, ledger)
 * made of a member's request scope, checks the rules again, is admitted by that viewer's fair share (put off
 * until the share refills, never failed), and calls Agora at background priority.
 *
 * The ecosystem's @n1ru4l/in-memory-live-query-store (with @envelop/live-query) runs every live query by
 * itself, tracks resources by one `id` field that the query must select, and has no notion of audiences, fair
 * shares or background budgets; the directive and its reading come from @n1ru4l/graphql-live-query, so
 * clients of that family (and their `isLive` results) work unchanged.
 */
import { execute } from '@graphql-tools/executor';
import { getLiveDirectiveArgumentValues, getLiveDirectiveNode } from '@n1ru4l/graphql-live-query';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { watchingIdentity, type Context, type RequestScope } from '../context.ts';
import type { Logger } from '../observability/logger.ts';
import { rootResource } from '../cache/invalidation.ts';
import { documentId } from './event-shapes.ts';

export interface LiveQuerySettings {
  /** The least time between two results of one live query; a client may ask for more (`@live(throttle:)`), never less. */
  throttleMs: number;
}

export interface LiveQueryOptions {
  settings: LiveQuerySettings;
  /** A fresh context for each re-execution. */
  contextFor(scope: RequestScope): Context;
  /**
   * How the fair share admits re-executions of one operation (made once per group, so that what the
   * operation costs is predicted once): the refusal (RATE_LIMITED with retryAfter) when it does not.
   */
  admission(operation: Operation): (context: Context) => Promise<GraphQLError | undefined>;
  /** Has the presence watcher read these users' presence while a live query shows them. */
  watch(usernames: readonly string[]): () => void;
  logger: Logger;
}

export interface LiveQueries {
  /** Placed before the cost plugin, whose admission then wraps a live query's first execution. */
  plugin(): Plugin;
  /** Resources an event changed; `dropped` settles once the shared reads no longer hold them. */
  changed(resources: readonly string[], dropped?: Promise<unknown>): void;
  stats(): { queries: number; shapes: number; reexecutions: number };
  /** Ends every live query (the gateway's shutdown). */
  stop(): void;
}

type Result = ExecutionResult & { isLive?: boolean };
/** What a live query runs again: its schema, document, variables and operation name. */
export type Operation = Omit<ExecutionArgs, 'contextValue' | 'rootValue' | 'signal'>;

/** One client's live query: what it was sent last, and when. */
interface Member {
  scope: RequestScope;
  /** Its own shape at the viewer's grain, for when its group splits. */
  narrowKey: string;
  throttleMs: number;
  group: Group | undefined;
  lastSent: string | undefined;
  lastSentAt: number;
  held: Result | undefined;
  timer: NodeJS.Timeout | undefined;
  /** When its viewer's credential expires. */
  expiry: NodeJS.Timeout | undefined;
  channel: Channel<Result>;
}

/** Live queries of one shape: one re-execution serves them all. */
interface Group {
  key: string;
  grain: 'wide' | 'narrow';
  operation: Operation;
  admit: (context: Context) => Promise<GraphQLError | undefined>;
  rootFields: readonly string[];
  throttleMs: number;
  members: Set<Member>;
  reads: Set<string>;
  controller: AbortController;
  running: boolean;
  dirty: boolean;
  timer: NodeJS.Timeout | undefined;
  lastRunAt: number;
  /** The data of its last execution: a root field that turns null ends it. */
  data: Result['data'];
  watched: string;
  unwatch: (() => void) | undefined;
}

/**
 * A denial of a root field ends the live query: the result that carries it is the last. A private field
 * denied below the root is answered as in any query (null, with its error), and the live query goes on.
 */
const ENDING_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
const endsLive = (result: Result) => result.errors?.some((e) => e.path?.length === 1 && ENDING_CODES.has(String(e.extensions?.code))) ?? false;

/**
 * A root field that answered an object and now answers null: what it watched was deleted, or the viewer may
 * no longer see it (a node the rules hide is null, as in any query). Nothing it could still read would change
 * that, so the result is the last.
 */
const vanished = (before: Result['data'], after: Result['data']) =>
  before != null && after != null && Object.keys(before).some((key) => before[key] !== null && after[key] === null);

export function createLiveQueries(options: LiveQueryOptions): LiveQueries {
  const { settings } = options;
  const groups = new Map<string, Group>();
  const byResource = new Map<string, Set<Group>>();
  /** Resources changed while a first execution runs, one set per execution: it may have read the old value. */
  const starting = new Set<Set<string>>();
  const members = new Set<Member>();
  let reexecutions = 0;

  const index = (group: Group, reads: Set<string>) => {
    for (const resource of group.reads) if (!reads.has(resource)) byResource.get(resource)?.delete(group);
    for (const resource of reads) {
      let set = byResource.get(resource);
      if (!set) byResource.set(resource, (set = new Set()));
      set.add(group);
    }
    group.reads = reads;
    // The users it shows: their presence is read while it lives, so that a login or logout is an event.
    const users = [...reads].filter((r) => r.startsWith('User:')).map((r) => r.slice('User:'.length));
    const watched = users.sort().join('\n');
    if (watched !== group.watched) {
      group.unwatch?.();
      group.unwatch = users.length > 0 ? options.watch(users) : undefined;
      group.watched = watched;
    }
  };

  const dispose = (group: Group) => {
    groups.delete(group.key);
    group.controller.abort();
    clearTimeout(group.timer);
    index(group, new Set());
  };

  const schedule = (group: Group, delayMs = 0) => {
    if (group.running) {
      group.dirty = true;
      return;
    }
    if (group.timer) return;
    const wait = Math.max(delayMs, group.lastRunAt + group.throttleMs - Date.now(), 0);
    group.timer = setTimeout(
      () =>
        void run(group).catch((error: unknown) => {
          // Our own bug (an execution answers errors, it does not throw): logged, and the last result stands.
          options.logger.error({ err: error }, 'a live query could not be executed again');
        }),
      wait,
    );
  };

  /** Results after which a live query completes (a denial, or what it watched vanished). */
  const last = new WeakSet<Result>();

  const send = (member: Member, result: Result, text: string) => {
    member.lastSent = text;
    member.lastSentAt = Date.now();
    member.channel.push(result);
    if (last.has(result)) leave(member);
  };

  /** A result for one member: sent when its throttle allows, else held (a newer one replaces it); an unchanged one is not sent. */
  const offer = (member: Member, result: Result) => {
    const text = JSON.stringify(result);
    if (text === member.lastSent && !last.has(result)) return;
    const wait = member.lastSentAt + member.throttleMs - Date.now();
    if (wait <= 0) return send(member, result, text);
    member.held = result;
    member.timer ??= setTimeout(() => {
      member.timer = undefined;
      const held = member.held;
      member.held = undefined;
      if (held) offer(member, held);
    }, wait);
  };

  const join = (
    member: Member,
    key: string,
    grain: Group['grain'],
    operation: Operation,
    rootFields: readonly string[],
    reads: Set<string>,
    data: Result['data'],
  ) => {
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        grain,
        operation,
        admit: options.admission(operation),
        rootFields,
        throttleMs: member.throttleMs,
        members: new Set(),
        reads: new Set(),
        controller: new AbortController(),
        running: false,
        dirty: false,
        timer: undefined,
        lastRunAt: Date.now(),
        data,
        watched: '',
        unwatch: undefined,
      };
      groups.set(key, group);
      index(group, reads);
    } else {
      // What this member's own execution read counts too, until the group's next run reads for all.
      index(group, new Set([...group.reads, ...reads]));
    }
    group.members.add(member);
    member.group = group;
    return group;
  };

  function leave(member: Member): void {
    clearTimeout(member.timer);
    clearTimeout(member.expiry);
    member.channel.close();
    members.delete(member);
    const group = member.group;
    member.group = undefined;
    if (!group) return;
    group.members.delete(member);
    if (group.members.size === 0) dispose(group);
  }

  /** One re-execution of a group, for all its members. */
  async function run(group: Group): Promise<void> {
    group.timer = undefined;
    const [representative] = group.members;
    if (!representative || group.controller.signal.aborted) return;
    group.running = true;
    group.dirty = false;
    group.lastRunAt = Date.now();
    try {
      const fresh = options.contextFor({ ...representative.scope, signal: group.controller.signal, priority: 'background' });
      const refused = await group.admit(fresh);
      if (refused) {
        // Its share is spent: the change is shown once it refills, not answered as an error.
        group.dirty = true;
        const retryAfter = Number(refused.extensions.retryAfter ?? 1);
        group.lastRunAt = Date.now() - group.throttleMs + retryAfter * 1000;
        return;
      }
      reexecutions++;
      const { result, reads, identityRead } = await executeRecorded(group.operation, fresh, group.rootFields);
      if (group.controller.signal.aborted) return;
      if (endsLive(result) || vanished(group.data, result.data)) last.add(result);
      group.data = result.data;
      index(group, reads);
      if (group.grain === 'wide' && identityRead) {
        // It read who the viewer is: the result is the representative's alone. Every member joins its own
        // viewer's group; the others execute for themselves, and a change seen meanwhile reruns them all.
        for (const member of [...group.members]) {
          group.members.delete(member);
          const own = join(member, member.narrowKey, 'narrow', group.operation, group.rootFields, reads, result.data);
          if (member === representative) offer(member, result);
          if (member !== representative || group.dirty) schedule(own);
        }
        dispose(group);
        return;
      }
      for (const member of [...group.members]) offer(member, result);
    } finally {
      group.running = false;
      if (group.dirty && !group.controller.signal.aborted && group.members.size > 0) schedule(group);
    }
  }

  /** The first result, in the request's own context (which the cost plugin admitted); then the member joins its group. */
  async function start(args: ExecutionArgs, requestedThrottle: number | null): Promise<Result | AsyncIterableIterator<Result>> {
    const context = args.contextValue as Context;
    const operation = getOperationAST(args.document, args.operationName)!;
    const rootFields = rootFieldsOf(args.document, operation, (args.variableValues ?? {}) as Record<string, unknown>);
    const changedMeanwhile = new Set<string>();
    starting.add(changedMeanwhile);
    let first: Awaited<ReturnType<typeof executeRecorded>>;
    try {
      first = await executeRecorded(args, context, rootFields);
    } finally {
      starting.delete(changedMeanwhile);
    }
    const { result, reads, identityRead } = first;
    // Refused at once (no data, or a denial): an answer like a query's, nothing to keep live.
    if (result.data === undefined || result.data === null || endsLive(result)) return { ...result, isLive: false };

    const shape: Operation = { schema: args.schema, document: args.document, variableValues: args.variableValues, operationName: args.operationName };
    const keyOf = (who: string) => JSON.stringify([documentId(args.document), args.operationName ?? null, args.variableValues ?? {}, who]);
    const member: Member = {
      scope: context.scope,
      narrowKey: keyOf(context.audience.narrow),
      throttleMs: Math.max(settings.throttleMs, requestedThrottle ?? 0),
      group: undefined,
      lastSent: undefined,
      lastSentAt: 0,
      held: undefined,
      timer: undefined,
      expiry: undefined,
      channel: new Channel<Result>(() => leave(member)),
    };
    members.add(member);
    const group = identityRead
      ? join(member, member.narrowKey, 'narrow', shape, rootFields, reads, result.data)
      : join(member, keyOf(context.audience.wide), 'wide', shape, rootFields, reads, result.data);
    send(member, result, JSON.stringify(result));
    if ([...changedMeanwhile].some((r) => reads.has(r))) schedule(group);

    // A credential that expires ends the live query, as it ends a socket.
    const expiresAt = context.viewer.expiresAt;
    if (expiresAt !== undefined) {
      member.expiry = setTimeout(
        () => {
          member.channel.push({
            errors: [new GraphQLError('Your credential expired: sign in again and restart the live query', { extensions: { code: 'UNAUTHENTICATED' } })],
          });
          leave(member);
        },
        Math.max(0, expiresAt - Date.now()),
      );
    }
    return member.channel;
  }

  return {
    plugin: () => ({
      onExecute({ args, setExecuteFn }) {
        const operation = getOperationAST(args.document, args.operationName);
        const directive = operation && getLiveDirectiveNode(operation);
        if (!directive) return;
        const { isLive, throttleValue } = getLiveDirectiveArgumentValues(directive, (args.variableValues ?? {}) as Record<string, unknown>);
        if (isLive) setExecuteFn((a) => start(a, throttleValue ?? null));
      },
      // An HTTP request that accepts no stream (only JSON) gets yoga's 406 with no body: it is told why, and the live query ends.
      onResultProcess({ result, resultProcessor, setResultProcessor }) {
        if (resultProcessor || !(Symbol.asyncIterator in result)) return;
        setResultProcessor(async (stream, fetchAPI) => {
          await (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]().return?.();
          const error = {
            message:
              'A @live query answers a stream of results: ask with Accept: text/event-stream (SSE) or multipart/mixed, or send it over graphql-ws. Without @live it is answered once.',
            extensions: { code: 'BAD_USER_INPUT', reason: 'LIVE_QUERY_NEEDS_A_STREAM' },
          };
          return new fetchAPI.Response(JSON.stringify({ errors: [error] }), { status: 406, headers: { 'content-type': 'application/json; charset=utf-8' } });
        }, 'application/json');
      },
    }),
    changed(resources, dropped) {
      for (const changedMeanwhile of starting) for (const r of resources) changedMeanwhile.add(r);
      const touched = new Set<Group>();
      for (const r of resources) for (const group of byResource.get(r) ?? []) touched.add(group);
      if (touched.size === 0) return;
      const rerun = () => touched.forEach((group) => schedule(group));
      if (dropped) void dropped.then(rerun, rerun);
      else rerun();
    },
    stats: () => ({ queries: members.size, shapes: groups.size, reexecutions }),
    stop() {
      for (const member of [...members]) leave(member);
    },
  };
}

/** One execution, noting the resources it read and whether it read who the viewer is. */
async function executeRecorded(args: Operation & { signal?: AbortSignal | undefined }, context: Context, rootFields: readonly string[]) {
  const watched = watchingIdentity(context);
  const reads = new Set<string>(rootFields);
  watched.context.liveReads = reads;
  const result = (await execute({ ...args, contextValue: watched.context, rootValue: undefined })) as Result;
  return { result: { ...result, isLive: true }, reads, identityRead: watched.identityRead() };
}

/**
 * What the root fields read, before any node: `Query.field` for each (a change to its list reruns it), and
 * `Query.field(arg:"value")` for each string argument (`Query.user(username:"newbie")`: a user created after a
 * live query found none reruns it). Fragments are followed.
 */
function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names = new Set<string>();
  const seen = new Set<string>();
  const valueOf = (node: ValueNode): unknown => (node.kind === Kind.VARIABLE ? variables[node.name.value] : node.kind === Kind.STRING ? node.value : undefined);
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = `Query.${selection.name.value}`;
        names.add(field);
        for (const argument of selection.arguments ?? []) {
          const value = valueOf(argument.value);
          if (typeof value === 'string') names.add(rootResource(field, argument.name.value, value));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return [...names];
}

/**
 * The results of one live query as an async iterator: a result not yet taken is replaced by a newer one (a
 * live query needs only the newest). `return` (the client completes, the socket or stream closes) calls
 * `onReturn`; `close` ends it after what it holds.
 */
class Channel<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #waiting: ((step: IteratorResult<T>) => void) | undefined;
  #closed = false;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  push(item: T): void {
    if (this.#closed) return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting({ done: false, value: item });
    else this.#items = [item];
  }

  close(): void {
    this.#closed = true;
    if (this.#waiting && this.#items.length === 0) {
      this.#waiting({ done: true, value: undefined });
      this.#waiting = undefined;
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve({ done: false, value: item });
    if (this.#closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.#items = [];
    this.close();
    this.#onReturn();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
