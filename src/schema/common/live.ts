/**
 * What every event subscription shares: the `after` cursor (checked before the subscription starts),
 * the feed from the event pipeline, fresh loaders for each event, and the honest end of a feed: a
 * subscriber that did not keep up, or whose cursor fell out of the log, gets one result with an error
 * saying where to resume, and then the subscription completes.
 */
import type { GraphQLError, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { belongsTo, canWatch, type CollectiveRef } from '../scopes.ts';
import { CursorAheadError, CursorTooOldError, type FeedItem } from '../../events/feed.ts';
import { decodeCursor, encodeCursor, type GatewayEvent, type Sequenced } from '../../events/types.ts';
import { routingKey } from '../../events/routing.ts';
import { builder, type Context } from '../builder.ts';
import { publicError } from './errors.ts';

/** Schema modules take routing keys from here, beside the feed options that carry them. */
export { routingKey };

export const EventSource = builder.enumType('EventSource', {
  description: 'Where an event came from: what the gateway itself did and saw, or what an Agora callback reported (Agora drops a callback after one retry).',
  values: {
    GATEWAY: { value: 'gateway', description: 'A change made through this gateway, or read by its poller and watchers.' },
    CALLBACK: { value: 'callback', description: "Reported by Agora Chat's HTTP callback, which Agora may drop after one retry." },
  } as const,
});

/**
 * An event with its sequence number, as event types resolve it: the pipeline's own object, the same for
 * every subscriber it reaches, so that they can share its execution (src/execution/live-execution.ts).
 */
export interface LiveEvent<E extends GatewayEvent = GatewayEvent> extends Sequenced {
  event: E;
}

/** An event type's `cursor` field: resume after this event with `after`. */
export const cursorOf = (e: LiveEvent): string => encodeCursor(e.seq);

/** Whether a subscription's payload is an event of the pipeline (not the error that ends a feed, nor a heartbeat). */
export const isLiveEvent = (payload: unknown): payload is LiveEvent =>
  typeof payload === 'object' && payload !== null && 'seq' in payload && 'event' in payload;

/** What a subscription's source yields: an event, or the error that ends it. */
export type LiveItem = LiveEvent | { end: GraphQLError };

export const AFTER_DESCRIPTION =
  "Resume after this cursor (an earlier event's `cursor`): what the event log still holds after it is replayed first, then events arrive live, with no gap and no duplicate. Without it, events from now on.";

function cursorError(error: unknown): GraphQLError | undefined {
  if (error instanceof CursorTooOldError) {
    return publicError(
      `The cursor is older than the event log, which reaches back to ${encodeCursor(error.oldestSeq - 1)}: resubscribe without \`after\` (and reload state) or with a newer cursor`,
      'BAD_USER_INPUT',
      {
        field: 'after',
        oldestCursor: encodeCursor(error.oldestSeq - 1),
      },
    );
  }
  if (error instanceof CursorAheadError) {
    return publicError("The cursor is ahead of the event log (was the gateway's log reset?): resubscribe without `after`", 'BAD_USER_INPUT', {
      field: 'after',
      lastCursor: encodeCursor(error.lastSeq),
    });
  }
  return undefined;
}

/**
 * The source of an event subscription. The cursor is checked against the log before anything starts,
 * so that a bad one is the subscription's error, not a broken stream.
 */
export interface LiveOptions {
  /** Presence names this subscription watches (the presence watcher reads them). */
  watch?: readonly string[];
  /** Checked before each event: when it answers false the subscription ends with FORBIDDEN `denied`. */
  stillAllowed?: () => Promise<boolean>;
  denied?: string;
  /** The routing keys that cover every event `match` accepts (src/events/routing.ts); absent: every event is offered to `match`. */
  keys?: readonly string[] | undefined;
  /** Checked before each event `match` accepted: when it answers false the event is skipped (not the subscription). */
  visible?: (event: GatewayEvent) => Promise<boolean>;
}

export async function liveFeed<E extends GatewayEvent>(
  ctx: Context,
  after: string | null | undefined,
  match: (event: GatewayEvent) => event is E,
  options: LiveOptions = {},
): Promise<AsyncIterable<LiveItem>> {
  const { watch, keys } = options;
  let afterSeq: number | undefined;
  if (after !== null && after !== undefined) {
    afterSeq = decodeCursor(after);
    if (afterSeq === undefined) throw publicError('`after` is not an event cursor of this gateway', 'BAD_USER_INPUT', { field: 'after' });
    const window = await ctx.events.window();
    if (afterSeq < window.oldestSeq - 1) throw cursorError(new CursorTooOldError(window.oldestSeq));
    if (afterSeq > window.lastSeq) throw cursorError(new CursorAheadError(window.lastSeq));
  }
  return new LiveStream(ctx, ctx.events.feed({ after: afterSeq, match, keys, watch }), options);
}

/**
 * An event subscription's source over its feed. A class, not closures over the feed: it is held for as
 * long as the subscriber listens, and made once per subscription, not per event (a subscriber waits on
 * one promise between events).
 */
class LiveStream implements AsyncIterable<LiveItem>, AsyncIterator<LiveItem> {
  private readonly ctx: Context;
  private readonly feed: AsyncIterator<FeedItem>;
  private readonly options: LiveOptions;

  constructor(ctx: Context, feed: AsyncIterator<FeedItem>, options: LiveOptions) {
    this.ctx = ctx;
    this.feed = feed;
    this.options = options;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<LiveItem>> {
    return this.feed.next().then(
      (item) => this.fromFeed(item),
      (error: unknown) => fromFeedError(error),
    );
  }

  async return(): Promise<IteratorResult<LiveItem>> {
    await this.feed.return?.();
    return DONE;
  }

  private fromFeed(item: IteratorResult<FeedItem>): IteratorResult<LiveItem> | Promise<IteratorResult<LiveItem>> {
    if (item.done) return DONE;
    const value = item.value;
    if ('overflow' in value) {
      const resume = encodeCursor(value.lastSeq);
      return {
        done: false,
        value: {
          end: publicError(
            `This subscriber did not keep up and its queue overflowed; resubscribe with after: "${resume}" to get every event since, once`,
            'RATE_LIMITED',
            {
              reason: 'SUBSCRIBER_QUEUE_OVERFLOW',
              resumeAfter: resume,
              retryAfter: 0,
            },
          ),
        },
      };
    }
    // Each event is resolved with loaders of its own: nothing read for an earlier event is reused.
    this.ctx.renewLoaders();
    const { visible } = this.options;
    if (visible) return visible((value as LiveEvent).event).then((shown) => (shown ? this.afterVisible(item) : this.next()));
    return this.afterVisible(item);
  }

  private afterVisible(item: IteratorResult<FeedItem>): IteratorResult<LiveItem> | Promise<IteratorResult<LiveItem>> {
    const { stillAllowed, denied } = this.options;
    if (!stillAllowed) return item as IteratorResult<LiveEvent>;
    return stillAllowed().then(async (allowed): Promise<IteratorResult<LiveItem>> => {
      if (allowed) return item as IteratorResult<LiveEvent>;
      await this.feed.return?.();
      return { done: false, value: { end: publicError(denied ?? 'This subscription is no longer allowed', 'FORBIDDEN') } };
    });
  }
}

function fromFeedError(error: unknown): IteratorResult<LiveItem> {
  const end = cursorError(error);
  if (!end) throw error;
  return { done: false, value: { end } };
}

const DONE: IteratorResult<LiveItem> = Object.freeze({ done: true, value: undefined });

/** Lists this long or shorter are searched rather than hashed. */
const SHORT_LIST = 16;

/**
 * A subscription's filter list as a membership test; absent or empty: everything passes. A short list
 * (most name one user) is searched: a Set, even of one name, holds a hash table of about 200 bytes for as
 * long as its subscriber listens.
 */
export function anyOf(list: readonly string[] | null | undefined): (value: string) => boolean {
  if (!list || list.length === 0) return () => true;
  if (list.length <= SHORT_LIST) return (value) => list.includes(value);
  const set = new Set(list);
  return (value) => set.has(value);
}

/** The routing keys of a filter list: none when it is absent or empty (then every event is offered to the filter). */
export const keysFor = (list: readonly string[] | null | undefined, key: (value: string) => string): string[] | undefined =>
  list && list.length > 0 ? list.map(key) : undefined;

/** For a group's or room's events: the viewer's membership, read again at every event (loaders are fresh per event). */
export function membershipCheck(ctx: Context, ref: CollectiveRef): LiveOptions {
  return {
    stillAllowed: () => belongsTo(ctx, ref),
    denied: `You are no longer a member of ${ref.kind} ${ref.id}`,
  };
}

/**
 * For events about users: whether the viewer may still watch them all (themselves and their contacts),
 * read again at every event; and the routing keys of those users, the only events such a feed hears.
 */
export function watchCheck(ctx: Context, usernames: readonly string[]): LiveOptions {
  return {
    stillAllowed: () => canWatch(ctx, usernames),
    denied: 'You may no longer watch all of these users (watch yourself and your contacts)',
    keys: usernames.map(routingKey.user),
  };
}

/** The subscription's resolve: the event, or the error that ends the feed. */
export function liveEvent<E extends GatewayEvent>(item: LiveItem): LiveEvent<E> {
  if ('end' in item) throw item.end;
  return item as LiveEvent<E>;
}

/**
 * A subscription field's `resolve` runs for every event and every subscriber, with the arguments its
 * `subscribe` already validated (Pothos hands both the same argument mappers). After the build, each
 * Subscription field resolves events with the resolver it was declared with, so that the arguments are
 * validated once per subscription, not once per event: at 10,000 subscribers that was 4% of a broadcast.
 * Rights are not affected: they are checked when the subscription starts (authorizeOnSubscribe), by the
 * event types' own scopes, and by each feed's per-event checks above. A resolve that read the arguments
 * (or the context) is refused: subscribers that differ only in the root field's arguments share each
 * event's result.
 */
export function resolveEventsOnce(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const declared = (field.extensions.pothosConfig as { resolve?: GraphQLFieldResolver<unknown, unknown> } | undefined)?.resolve;
    // Subscribers that differ only in these arguments share each event's result (src/execution/live-execution.ts).
    if (declared && declared.length > 1)
      throw new Error(`Subscription.${field.name}'s resolve must read its payload alone: its arguments only choose the events`);
    if (declared && field.subscribe) field.resolve = declared;
  }
  return schema;
}
