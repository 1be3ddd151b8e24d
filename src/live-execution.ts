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
 */
import { createSourceEventStream, GraphQLError, type ExecutionArgs, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { buildExecutionContext, execute, type subscribe } from '@graphql-tools/executor';
import type { Plugin } from 'graphql-yoga';

type SubscribeArgs = Parameters<typeof subscribe>[0];
type Result = Awaited<ReturnType<typeof execute>>;

interface Source {
  events: AsyncIterator<unknown>;
  operation: OperationDefinitionNode;
}

/**
 * The stream the subscription's root field returns, or the errors that keep it from starting. Bad
 * variables are refused first, as a query's are; then the root field's `subscribe` runs (its arguments
 * checked, the subscription authorized) through graphql's createSourceEventStream, which answers a
 * throwing or non-iterable `subscribe` with errors.
 */
async function sourceOf(args: SubscribeArgs): Promise<Source | ExecutionResult> {
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
  return Symbol.asyncIterator in stream ? { events: stream[Symbol.asyncIterator](), operation: built.operation } : stream;
}

export async function subscribeEventByEvent(args: SubscribeArgs): Promise<AsyncIterableIterator<Result> | ExecutionResult> {
  const source = await sourceOf(args);
  if (!('events' in source)) return source;
  const { events: payloads, operation } = source;
  // Each event is executed without the subscription's signal, to which execute would add a listener per
  // event. The signal still ends the stream, and each event's Agora calls carry it (the context's client).
  const { signal, ...perEvent } = args;
  const stop = () => void payloads.return?.();
  const forgetSignal = () => signal?.removeEventListener('abort', stop);
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  const executeEvent = (step: IteratorResult<unknown>): IteratorResult<Result> | PromiseLike<IteratorResult<Result>> => {
    if (step.done) {
      forgetSignal();
      return { done: true, value: undefined };
    }
    const result = execute({ ...perEvent, rootValue: step.value });
    return 'then' in result ? result.then(single) : single(result);
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

/** An event's result; incremental delivery is not enabled, so anything else is a bug to hear of. */
function single(result: Result): IteratorResult<Result> {
  if (Symbol.asyncIterator in result || 'initialResult' in result) throw new Error('an incremental result in a subscription event: @defer and @stream are not enabled');
  return { done: false, value: result };
}

/** First among the plugins, so that the others (the cost plugin's admission) wrap it. */
export function useEventByEventSubscriptions(): Plugin {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(subscribeEventByEvent);
    },
  };
}
