/**
 * How a subscription's events are executed. graphql-tools' `subscribe`, yoga's default, makes every
 * event's result an async generator of its own and flattens the stream of them, for @defer and
 * @stream, which this gateway does not enable (yoga adds them only with its defer-stream plugin, so
 * validation refuses them). The flattening keeps nested suspended calls per waiting subscriber,
 * rebuilt at every event: at a broadcast to 10,000 subscribers that was 1.3 KB of the 2.3 KB each one
 * held onwards (a sampling heap profile of the gateway across a broadcast), all of it young memory that
 * outlives its collection and is copied, then promoted. Here an event is one result: the subscription's
 * source stream is the root field's own, and each of its payloads is executed with graphql-tools'
 * `execute`, as a query is.
 *
 * An event that reaches many subscribers is executed once for each shape among them: subscribers with the
 * same operation (the same parsed document, which yoga's parser cache hands to every request with the same
 * text), the same values of the variables the event's selection reads, and the same audience share one
 * result. The root field's own arguments are left out: they chose which events the subscriber hears, and a
 * Subscription field's resolve reads its payload alone (asserted when the schema is built, ./schema/live.ts).
 * The audience has two grains (the context's `audience`): an answer is first shared by every viewer of one
 * kind and set of roles, and when its execution read who the viewer is (a rule such as "self"), by that
 * viewer alone; the others then execute the event for themselves. At a broadcast to 10,000 subscribers of
 * one shape this took the gateway's CPU from about 1.7 s to 0.7 s for the first broadcast, and made one
 * upstream read per field instead of one per subscriber.
 */
import {
  createSourceEventStream,
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { buildExecutionContext, execute, type subscribe } from '@graphql-tools/executor';
import type { Plugin } from 'graphql-yoga';

type SubscribeArgs = Parameters<typeof subscribe>[0];
type Result = Awaited<ReturnType<typeof execute>>;

interface Source {
  events: AsyncIterator<unknown>;
  operation: OperationDefinitionNode;
  /** Subscribers of one shape share each event's result; undefined: this one executes its own. */
  shape: Audience | undefined;
}

/** Who a context's answers are for (the context's `audience`): equal strings, equal answers. */
export interface Audience {
  /** This viewer. */
  narrow: string;
  /** Every viewer of this one's kind and roles: equal answers when nothing read who the viewer is. */
  wide: string;
}

export interface SharingOptions {
  /** Who the context's answers are for; undefined: its events are never shared. */
  audienceOf(context: unknown): Audience | undefined;
  /** A context for one execution that notes whether anything read who the viewer is. */
  watchIdentity(context: unknown): { context: unknown; identityRead(): boolean };
  /** Whether a payload is an event that many subscribers receive as one object (others are never shared). */
  isSharedEvent(payload: unknown): boolean;
}

type EventResult = IteratorResult<Result> | PromiseLike<IteratorResult<Result>>;

interface SharedResult {
  result: EventResult;
  /** The signal of the subscription that executed it: its upstream calls were aborted with it. */
  signal: AbortSignal | undefined;
  /** The narrow shape of the subscription that executed it: its viewer's answer, whatever it read. */
  narrow: string;
  /** Whether its execution read who the viewer is (known once it settled). */
  identityRead: () => boolean;
}

/**
 * The results of recent events, by event and shape. Bounded: a subscriber that comes to an event after
 * its results were dropped (far behind in its queue) executes it itself, which is only slower.
 */
export class SharedResults {
  readonly #byEvent = new Map<object, Map<string, SharedResult>>();
  #size = 0;
  readonly capacity: number;

  constructor(capacity = 4096) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  get(event: object, shape: string): SharedResult | undefined {
    return this.#byEvent.get(event)?.get(shape);
  }

  set(event: object, shape: string, shared: SharedResult): void {
    let shapes = this.#byEvent.get(event);
    if (!shapes) this.#byEvent.set(event, (shapes = new Map()));
    if (!shapes.has(shape)) this.#size++;
    shapes.set(shape, shared);
    // The oldest events go first (a Map iterates in insertion order).
    for (const [oldest, oldestShapes] of this.#byEvent) {
      if (this.#size <= this.capacity || oldest === event) break;
      this.#byEvent.delete(oldest);
      this.#size -= oldestShapes.size;
    }
  }
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
  return id;
}

/**
 * The variables an event's result can depend on: every variable the operation uses except in its root
 * fields' arguments, which only choose the events (fragments followed, directives included).
 */
export function variablesReadByEvents(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): string[] {
  const names = new Set<string>();
  const followed = new Set<string>();
  const fragmentNamed = (name: string) => {
    if (followed.has(name)) return undefined;
    followed.add(name);
    return fragments[name];
  };
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable: (variable) => void names.add(variable.name.value),
      FragmentSpread: (spread) => {
        const fragment = fragmentNamed(spread.name.value);
        if (fragment) collect(fragment);
      },
    });
  const rootLevel = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      selection.directives?.forEach(collect);
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet) collect(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        rootLevel(selection.selectionSet);
      } else {
        const fragment = fragmentNamed(selection.name.value);
        fragment?.directives?.forEach(collect);
        if (fragment) rootLevel(fragment.selectionSet);
      }
    }
  };
  operation.directives?.forEach(collect);
  rootLevel(operation.selectionSet);
  return [...names].sort();
}

/** The shape of a subscription at both grains of its audience: equal shapes get equal results for one event. */
function shapeOf(args: SubscribeArgs, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variableValues: Record<string, unknown>, audience: Audience): Audience {
  // Absent and null are told apart: an argument given no variable takes its default.
  const read = variablesReadByEvents(operation, fragments).map((name) => (name in variableValues ? [name, variableValues[name]] : [name]));
  const shape = (who: string) => JSON.stringify([documentId(args.document), operation.name?.value ?? null, read, who]);
  return { narrow: shape(audience.narrow), wide: shape(audience.wide) };
}

/**
 * The stream the subscription's root field returns, or the errors that keep it from starting. Bad
 * variables are refused first, as a query's are; then the root field's `subscribe` runs (its arguments
 * checked, the subscription authorized) through graphql's createSourceEventStream, which answers a
 * throwing or non-iterable `subscribe` with errors.
 */
async function sourceOf(args: SubscribeArgs, sharing: SharingOptions | undefined): Promise<Source | ExecutionResult> {
  // Without the signal: graphql-tools would listen to it for as long as it lives (the socket's).
  const { signal: _signal, ...checked } = args;
  const built = buildExecutionContext(checked);
  if (!('schema' in built)) {
    // Answered as a query's bad variables are (src/schema/errors.ts): BAD_USER_INPUT naming the variable,
    // with HTTP 400 for SSE. New errors, since graphql-tools' share their extensions with the scalar's own
    // error inside, and a code set on them would be read as that inner error's, without the variable.
    return { errors: built.map((error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError, extensions: { http: { status: 400 } } })) };
  }
  const stream = await createSourceEventStream(args as ExecutionArgs);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const audience = sharing?.audienceOf(args.contextValue);
  const shape = audience === undefined ? undefined : shapeOf(args, built.operation, built.fragments, built.variableValues.coerced as Record<string, unknown>, audience);
  return { events: stream[Symbol.asyncIterator](), operation: built.operation, shape };
}

export async function subscribeEventByEvent(
  args: SubscribeArgs,
  sharing?: SharingOptions,
  shared: SharedResults = new SharedResults(),
): Promise<AsyncIterableIterator<Result> | ExecutionResult> {
  const source = await sourceOf(args, sharing);
  if (!('events' in source)) return source;
  const { events: payloads, operation, shape } = source;
  // Each event is executed without the subscription's signal, to which execute would add a listener per
  // event. The signal still ends the stream, and each event's Agora calls carry it (the context's client).
  const { signal, ...perEvent } = args;
  const stop = () => void payloads.return?.();
  const forgetSignal = () => signal?.removeEventListener('abort', stop);
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  const run = (payload: unknown, contextValue = perEvent.contextValue): EventResult => {
    const result = execute({ ...perEvent, contextValue, rootValue: payload });
    return 'then' in result ? result.then(single) : single(result);
  };
  const executeShared = (event: object, shape: Audience): EventResult => {
    const known = shared.get(event, shape.wide);
    if (known && !known.signal?.aborted) {
      // Read once the result is known: whether its subscription went away while it ran (its upstream calls
      // were aborted with it: executed again, and remembered in its place), and whether it read who its
      // viewer is (then it is that viewer's alone: another executes the event for itself, unremembered, since
      // an answer of its own would serve only its own further subscriptions of this shape).
      return settled(known.result, (result) => {
        if (known.signal?.aborted) return executeShared(event, shape);
        return known.narrow !== shape.narrow && known.identityRead() ? run(event) : result;
      });
    }
    const watched = sharing!.watchIdentity(perEvent.contextValue);
    const result = run(event, watched.context);
    shared.set(event, shape.wide, { result, signal, narrow: shape.narrow, identityRead: watched.identityRead });
    return result;
  };
  const executeEvent = (step: IteratorResult<unknown>): EventResult => {
    if (step.done) {
      forgetSignal();
      return { done: true, value: undefined };
    }
    const event = step.value;
    return shape !== undefined && sharing?.isSharedEvent(event) ? executeShared(event as object, shape) : run(event);
  };
  // As graphql-tools does: a source that fails is an error located at the operation.
  const sourceFailed = (error: unknown): never => {
    forgetSignal();
    const original = error instanceof Error ? error : new Error(String(error));
    throw new GraphQLError(original.message, { originalError: original, nodes: [operation] });
  };
  const results: AsyncIterableIterator<Result> = {
    [Symbol.asyncIterator]: () => results,
    next: () => payloads.next().then(executeEvent, sourceFailed),
    return: async () => {
      forgetSignal();
      await payloads.return?.();
      return { done: true, value: undefined };
    },
    throw: async (error: unknown) => {
      forgetSignal();
      await payloads.return?.();
      throw error;
    },
  };
  return results;
}

/** `then` for a result that may be a promise or not. */
function settled(result: EventResult, next: (result: IteratorResult<Result>) => EventResult): EventResult {
  return 'then' in result ? result.then(next) : next(result);
}

/** An event's result; incremental delivery is not enabled, so anything else is a bug to hear of. */
function single(result: Result): IteratorResult<Result> {
  if (Symbol.asyncIterator in result || 'initialResult' in result) throw new Error('an incremental result in a subscription event: @defer and @stream are not enabled');
  return { done: false, value: result };
}

/**
 * First among the plugins, so that the others (the cost plugin's admission) wrap it. With `sharing`,
 * subscribers of one shape share each event's execution.
 */
export function useEventByEventSubscriptions(sharing?: SharingOptions): Plugin {
  const shared = new SharedResults();
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((args) => subscribeEventByEvent(args, sharing, shared));
    },
  };
}
