/**
 * The parts of shared execution (src/execution/live-execution.ts) that a wire cannot show reliably: which
 * variables an event's result may depend on, the bound on remembered results, and a result whose
 * subscription went away while it ran. Subscribers sharing over real sockets: ./live-execution.test.ts.
 */
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SharedResults, variablesReadByEvents } from '../../src/execution/event-shapes.ts';
import { subscribeEventByEvent, type EventResult } from '../../src/execution/live-execution.ts';
import { resolveEventsOnce } from '../../src/schema/common/live.ts';

function readBy(source: string): string[] {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return variablesReadByEvents(operation, fragments);
}

describe('the variables an event reads', () => {
  it("leaves out the root field's own arguments, and nothing else", () => {
    expect(readBy('subscription ($u: [String!]) { userEvents(usernames: $u) { type } }')).toEqual([]);
    expect(readBy('subscription ($u: [String!], $k: [String!]!) { userEvents(usernames: $u) { user { attributes(keys: $k) } } }')).toEqual(['k']);
    // A variable of the root arguments that the selection reads too.
    expect(readBy('subscription ($u: [String!]) { userEvents(usernames: $u) { user @include(if: $u) { username } } }')).toEqual(['u']);
    expect(readBy('subscription ($u: [String!], $s: Boolean!) { userEvents(usernames: $u) @skip(if: $s) { type } }')).toEqual(['s']);
  });

  it('follows fragments, at the root and below it, and their directives', () => {
    const source = `
      subscription ($u: [String!], $a: Boolean!, $b: Boolean!, $k: [String!]!) { ...Root }
      fragment Root on Subscription { ... @include(if: $a) { userEvents(usernames: $u) { ...Event } } }
      fragment Event on UserEvent { type user @include(if: $b) { ...Person } }
      fragment Person on User { attributes(keys: $k) }`;
    expect(readBy(source)).toEqual(['a', 'b', 'k']);
  });
});

describe('remembered results', () => {
  it('keeps at most its capacity, dropping the oldest events first', () => {
    const results = new SharedResults(3);
    const events = [{}, {}, {}];
    const result = { result: { done: false as const, value: { data: {} } }, signal: undefined, narrow: 'someone', identityRead: () => false };
    results.set(events[0]!, 'a', result);
    results.set(events[0]!, 'b', result);
    results.set(events[1]!, 'a', result);
    expect(results.size).toBe(3);
    // A fourth: the oldest event goes, with both its shapes.
    results.set(events[2]!, 'a', result);
    expect(results.size).toBe(2);
    expect([results.get(events[0]!, 'a'), results.get(events[0]!, 'b')]).toEqual([undefined, undefined]);
    expect([results.get(events[1]!, 'a'), results.get(events[2]!, 'a')]).toEqual([result, result]);
  });
});

describe('an event shared by subscribers of one shape', () => {
  const event = { seq: 1 };
  let executions = 0;
  let release: () => void = () => undefined;
  const Tick = new GraphQLObjectType<unknown, { signal: AbortSignal }>({
    name: 'Tick',
    fields: {
      value: {
        type: GraphQLInt,
        // As an upstream call bound to the subscription's signal: aborted with it.
        resolve: async (_tick, _args, context) => {
          executions++;
          await new Promise<void>((resolve) => (release = resolve));
          if (context.signal.aborted) throw new Error('aborted with its subscription');
          return executions;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { x: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: Tick,
          args: { n: { type: GraphQLInt } },
          subscribe: async function* () {
            yield event;
          },
          resolve: (payload: unknown) => payload,
        },
      },
    }),
  });
  const document = parse('subscription ($n: Int) { tick(n: $n) { value } }');
  const sharing = {
    audienceOf: () => ({ narrow: 'one viewer', wide: 'every viewer' }),
    watchIdentity: (context: unknown) => ({ context, identityRead: () => false }),
    isSharedEvent: (payload: unknown) => payload === event,
  };

  const start = async (shared: SharedResults<EventResult>, n: number) => {
    const controller = new AbortController();
    const args = { schema, document, variableValues: { n }, contextValue: { signal: controller.signal }, signal: controller.signal };
    const results = await subscribeEventByEvent(args, sharing, shared);
    if (!('next' in results)) throw new Error(`not started: ${JSON.stringify(results)}`);
    return { results, controller };
  };
  const ABORTED = { errors: [expect.objectContaining({ message: 'aborted with its subscription' })] };

  it('is executed again for the others when the subscription that executed it went away before they came', async () => {
    executions = 0;
    const shared = new SharedResults<EventResult>();
    const [first, second, third] = [await start(shared, 1), await start(shared, 2), await start(shared, 3)];
    const firstResult = first.results.next();
    await expect.poll(() => executions).toBe(1);
    first.controller.abort();
    release();
    expect((await firstResult).value).toMatchObject(ABORTED);
    // The second executes the event itself; the third shares the second's result.
    const secondResult = second.results.next();
    await expect.poll(() => executions).toBe(2);
    const thirdResult = third.results.next();
    release();
    expect((await secondResult).value).toEqual({ data: { tick: { value: 2 } } });
    expect(await thirdResult).toBe(await secondResult);
    expect(executions).toBe(2);
    await Promise.all([second.results.return?.(), third.results.return?.()]);
  });

  it('is executed again for those who waited on it when the subscription that executed it went away while it ran', async () => {
    executions = 0;
    const shared = new SharedResults<EventResult>();
    const [first, second] = [await start(shared, 1), await start(shared, 2)];
    const firstResult = first.results.next();
    await expect.poll(() => executions).toBe(1);
    // The second waits on the first's execution, which is then aborted.
    const secondResult = second.results.next();
    // Its event taken from its source (promises only: a turn of the event loop is enough).
    await new Promise((resolve) => setImmediate(resolve));
    expect(executions).toBe(1);
    first.controller.abort();
    release();
    expect((await firstResult).value).toMatchObject(ABORTED);
    await expect.poll(() => executions).toBe(2);
    release();
    expect((await secondResult).value).toEqual({ data: { tick: { value: 2 } } });
    await second.results.return?.();
  });
});

describe("a Subscription field's resolve", () => {
  it('is refused when the schema is built if it reads more than its payload: its arguments only choose the events', () => {
    const declared = (payload: unknown, args: { n?: number }) => ({ payload, n: args.n });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: 'Query', fields: { x: { type: GraphQLInt } } }),
      subscription: new GraphQLObjectType({
        name: 'Subscription',
        fields: { tick: { type: GraphQLInt, subscribe: async function* () {}, resolve: declared, extensions: { pothosConfig: { resolve: declared } } } },
      }),
    });
    expect(() => resolveEventsOnce(schema)).toThrow("Subscription.tick's resolve must read its payload alone");
  });
});
