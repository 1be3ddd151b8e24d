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
 * Subscription field's resolve reads its payload alone (asserted when the schema is built, src/schema/common/live.ts).
 * The audience has two grains (the context's `audience`): an answer is first shared by every viewer of one
 * kind and set of roles, and when its execution read who the viewer is (a rule such as "self"), by that
 * viewer alone; the others then execute the event for themselves. A broadcast to subscribers of one shape so
 * makes one execution and one upstream read per field, not one per subscriber (bench/fanout.ts measures it).
 */
import { createSourceEventStream, GraphQLError, type ExecutionArgs, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { buildExecutionContext, execute, type subscribe } from '@graphql-tools/executor';
import type { Plugin } from 'graphql-yoga';
import { SharedResults, shapeOf, type Shape, type SharingOptions } from './event-shapes.ts';

type SubscribeArgs = Parameters<typeof subscribe>[0];
type Result = Awaited<ReturnType<typeof execute>>;

interface Source {
  events: AsyncIterator<unknown>;
  operation: OperationDefinitionNode;
  /** Subscribers of one shape share each event's result; undefined: this one executes its own. */
  shape: Shape | undefined;
}

/** What a subscription's iterator answers for one event. */
export type EventResult = IteratorResult<Result> | PromiseLike<IteratorResult<Result>>;

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
    // Answered as a query's bad variables are (src/schema/common/errors.ts): BAD_USER_INPUT naming the variable,
    // with HTTP 400 for SSE. New errors, since graphql-tools' share their extensions with the scalar's own
    // error inside, and a code set on them would be read as that inner error's, without the variable.
    return {
      errors: built.map(
        (error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError, extensions: { http: { status: 400 } } }),
      ),
    };
  }
  const stream = await createSourceEventStream(args as ExecutionArgs);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const audience = sharing?.audienceOf(args.contextValue);
  const shape =
    audience === undefined
      ? undefined
      : shapeOf(args.document, built.operation, built.fragments, built.variableValues.coerced as Record<string, unknown>, audience);
  return { events: stream[Symbol.asyncIterator](), operation: built.operation, shape };
}

/**
 * What the gateway learns of each subscription's life, told by the stream itself rather than by an
 * envelop hook: a hook's `onEnd` wraps every subscription in one more iterator (and its arrays), held
 * for as long as the subscriber listens.
 */
export interface SubscriptionHooks {
  /** A subscription's stream started. */
  started(): void;
  /** It ended, however (the subscriber left, its source ended or failed); once per `started`. */
  ended(): void;
  /**
   * Once its root field subscribed: what the context keeps from that only (authorization's cache of the
   * subscribe step) may go, since each event is authorized afresh.
   */
  subscribed?(context: unknown): void;
}

export async function subscribeEventByEvent(
  args: SubscribeArgs,
  sharing?: SharingOptions,
  shared: SharedResults<EventResult> = new SharedResults(),
  hooks?: SubscriptionHooks,
): Promise<AsyncIterableIterator<Result> | ExecutionResult> {
  const source = await sourceOf(args, sharing);
  hooks?.subscribed?.(args.contextValue);
  if (!('events' in source)) return source;
  hooks?.started();
  return new EventResults(args, source, sharing, shared, hooks);
}

/**
 * A subscription's results, one per event of its source. A class, not closures over the subscription's
 * state: it is held for as long as the subscriber listens, and one object with its methods on a prototype
 * (the abort listener among them, as `handleEvent`) is a fraction of a dozen closures and their context.
 */
class EventResults implements AsyncIterableIterator<Result> {
  private readonly payloads: AsyncIterator<unknown>;
  private readonly operation: OperationDefinitionNode;
  private readonly shape: Shape | undefined;
  private readonly signal: AbortSignal | undefined;
  /** The execution's arguments without the subscription's signal, to which execute would add a listener per event. */
  private readonly perEvent: Omit<SubscribeArgs, 'signal'>;
  private readonly sharing: SharingOptions | undefined;
  private readonly shared: SharedResults<EventResult>;
  private readonly hooks: SubscriptionHooks | undefined;
  private ended = false;

  constructor(
    args: SubscribeArgs,
    source: Source,
    sharing: SharingOptions | undefined,
    shared: SharedResults<EventResult>,
    hooks: SubscriptionHooks | undefined,
  ) {
    // The signal still ends the stream, and each event's Agora calls carry it (the context's client).
    const { signal, ...perEvent } = args;
    this.payloads = source.events;
    this.operation = source.operation;
    this.shape = source.shape;
    this.signal = signal;
    this.perEvent = perEvent;
    this.sharing = sharing;
    this.shared = shared;
    this.hooks = hooks;
    if (signal?.aborted) this.handleEvent();
    else signal?.addEventListener('abort', this, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Result>> {
    return this.payloads.next().then(
      (step) => this.executeEvent(step),
      (error: unknown) => this.sourceFailed(error),
    );
  }

  async return(): Promise<IteratorResult<Result>> {
    this.finish();
    await this.payloads.return?.();
    return { done: true, value: undefined };
  }

  async throw(error: unknown): Promise<IteratorResult<Result>> {
    this.finish();
    await this.payloads.return?.();
    throw error;
  }

  /** The subscription's signal aborted: its source ends (and with it this stream). */
  handleEvent(): void {
    void this.payloads.return?.();
  }

  /** Once, however the stream ends: the signal is let go and the end is told. */
  private finish(): void {
    this.signal?.removeEventListener('abort', this);
    if (this.ended) return;
    this.ended = true;
    this.hooks?.ended();
  }

  private executeEvent(step: IteratorResult<unknown>): EventResult {
    if (step.done) {
      this.finish();
      return { done: true, value: undefined };
    }
    const event = step.value;
    return this.shape !== undefined && this.sharing?.isSharedEvent(event) ? this.executeShared(event as object, this.shape) : this.run(event);
  }

  /** As graphql-tools does: a source that fails is an error located at the operation. */
  private sourceFailed(error: unknown): never {
    this.finish();
    const original = error instanceof Error ? error : new Error(String(error));
    throw new GraphQLError(original.message, { originalError: original, nodes: [this.operation] });
  }

  /**
   * Each event executes in a context of its own over the subscription's: what an execution caches by its
   * context (authorization's answers, loaders kept beside it) is that event's, fresh, and goes with it.
   */
  private run(payload: unknown, contextValue: unknown = Object.create(this.perEvent.contextValue as object)): EventResult {
    return settled(execute({ ...this.perEvent, contextValue, rootValue: payload }), single);
  }

  private executeShared(event: object, shape: Shape): EventResult {
    const known = this.shared.get(event, shape.wide);
    if (known && !known.signal?.aborted) {
      // Read once the result is known: whether its subscription went away while it ran (its upstream calls
      // were aborted with it: executed again, and remembered in its place), and whether it read who its
      // viewer is (then it is that viewer's alone: another executes the event for itself, unremembered, since
      // an answer of its own would serve only its own further subscriptions of this shape).
      return settled(known.result, (result) => {
        if (known.signal?.aborted) return this.executeShared(event, shape);
        return known.narrow !== shape.narrow && known.identityRead() ? this.run(event) : result;
      });
    }
    const watched = this.sharing!.watchIdentity(this.perEvent.contextValue);
    const result = this.run(event, watched.context);
    this.shared.set(event, shape.wide, { result, signal: this.signal, narrow: shape.narrow, identityRead: watched.identityRead });
    return result;
  }
}

/** `then` for a value that may be a promise or not: no promise (and no turn of the event loop) when it is not. */
function settled<T extends object, U>(value: T | PromiseLike<T>, next: (value: T) => U | PromiseLike<U>): U | PromiseLike<U> {
  return 'then' in value ? value.then(next) : next(value);
}

/** An event's result; incremental delivery is not enabled, so anything else is a bug to hear of. */
function single(result: Result): IteratorResult<Result> {
  if (Symbol.asyncIterator in result || 'initialResult' in result)
    throw new Error('an incremental result in a subscription event: @defer and @stream are not enabled');
  return { done: false, value: result };
}

/**
 * First among the plugins, so that the others (the cost plugin's admission) wrap it. With `sharing`,
 * subscribers of one shape share each event's execution.
 */
export function useEventByEventSubscriptions(sharing?: SharingOptions, hooks?: SubscriptionHooks): Plugin {
  const shared = new SharedResults<EventResult>();
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn((args) => subscribeEventByEvent(args, sharing, shared, hooks));
    },
  };
}
