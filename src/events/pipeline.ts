/**
 * The event pipeline, assembled: one event log (with its live bus), the poller's lease, the watched
 * presence names, the Signaling poller and the presence watcher. In memory for one instance; in Redis
 * (`redis` given) for several, with one poller among them. What the schema sees is `Events`.
 */
import type { Redis } from 'ioredis';
import type { AgoraClient } from '../agora/client.ts';
import type { HostPlan } from '../agora/hosts.ts';
import type { Logger } from '../observability/logger.ts';
import { createChannelMembership, type ChannelMembership } from './channels.ts';
import { openFeed, type Feed, type FeedItem } from './feed.ts';
import { createMemoryLease } from './lease.ts';
import { createRedisLease } from './lease-redis.ts';
import { createMemoryEventLog, type EventLog } from './log.ts';
import { createRedisEventLog } from './log-redis.ts';
import { createPoller, type PollerStats } from './poller.ts';
import { createPresenceWatcher, type PresenceWatcherStats } from './presence.ts';
import type { GatewayEvent } from './types.ts';
import { createMemoryWatchSet, type WatchSet } from './watch-set.ts';
import { createRedisWatchSet } from './watch-set-redis.ts';

export interface EventSettings {
  pollIntervalMs: number;
  leaseMs: number;
  logSize: number;
  subscriberQueueSize: number;
  presenceIntervalMs: number;
  /** The Signaling regions whose event stores are read; the configured hosts' own when absent. */
  regions?: HostPlan[] | undefined;
}

/** What subscriptions and mutations use. */
export interface Events {
  /** Appends what a mutation changed; a failure is logged, never the mutation's. */
  publish(events: GatewayEvent[]): Promise<void>;
  /** A subscriber's feed: replay after `after`, then live; `watch` names presence to read. */
  feed(options: {
    after?: number | undefined;
    match(event: GatewayEvent): boolean;
    keys?: readonly string[] | undefined;
    watch?: readonly string[];
  }): AsyncIterableIterator<FeedItem>;
  pollerStats(): PollerStats;
  presenceStats(): PresenceWatcherStats;
  /** Open subscriber feeds on this instance, and the events waiting in their queues. */
  subscriberStats(): { subscribers: number; queued: number };
  /** How far back the log reaches. */
  window(): ReturnType<EventLog['window']>;
  /** Has the presence watcher read these users' presence until the answered function is called (a live query's users). */
  watch(usernames: readonly string[]): () => void;
  /** Every event appended, on any instance, from now on (the shared reads' invalidation listens). */
  listen(listener: (event: GatewayEvent) => void): () => void;
  /** Who is in which Signaling channel, from the join and leave events read so far. */
  channels: ChannelMembership;
}

export interface EventPipeline extends Events {
  start(): void;
  /** Stops the poller (its read in flight finishes), then the watcher, then the log. */
  stop(): Promise<void>;
}

export interface EventPipelineOptions {
  agora: AgoraClient;
  logger: Logger;
  settings: EventSettings;
  /** Shared state for several instances; keys are under `keyPrefix`. */
  redis?: Redis | undefined;
  keyPrefix: string;
}

export async function createEventPipeline(options: EventPipelineOptions): Promise<EventPipeline> {
  const { agora, logger, settings, redis, keyPrefix } = options;
  const leaseKey = `${keyPrefix}:poller`;
  const lease = redis ? createRedisLease(redis, { key: leaseKey, ttlMs: settings.leaseMs }) : createMemoryLease({ ttlMs: settings.leaseMs });
  const log = redis
    ? await createRedisEventLog(redis, { key: `${keyPrefix}:events`, maxLength: settings.logSize, leaseKey })
    : createMemoryEventLog({ maxLength: settings.logSize, lease });
  const watches: WatchSet = redis ? createRedisWatchSet(redis, { key: `${keyPrefix}:presence-watch`, ttlMs: settings.leaseMs }) : createMemoryWatchSet();

  const feeds = new Set<Feed>();
  const poller = createPoller({
    agora,
    log,
    lease,
    regions: settings.regions,
    intervalMs: settings.pollIntervalMs,
    leaseMs: settings.leaseMs,
    logger,
    // With Redis the leader cannot see other instances' subscribers: it reads at the budget's pace always.
    listening: redis ? undefined : () => feeds.size > 0,
  });
  const channels = createChannelMembership();
  log.listen((e) => channels.observe(e.event));
  const presence = createPresenceWatcher({ agora, log, watches, intervalMs: settings.presenceIntervalMs, fence: poller.fence, logger });

  return {
    async publish(events) {
      if (events.length === 0) return;
      await log.append(events).then(
        () => undefined,
        (error: unknown) => logger.error({ err: error }, 'events of a mutation could not be published'),
      );
    },
    feed({ after, match, keys, watch }) {
      const unwatch = watch && watch.length > 0 ? watches.watch(watch) : undefined;
      const feed: Feed = openFeed({
        log,
        after,
        match,
        keys,
        queueSize: settings.subscriberQueueSize,
        onEnd: () => {
          feeds.delete(feed);
          unwatch?.();
        },
      });
      feeds.add(feed);
      if (feeds.size === 1) poller.listened();
      return feed;
    },
    pollerStats: () => poller.stats(),
    presenceStats: () => presence.stats(),
    subscriberStats() {
      let queued = 0;
      for (const feed of feeds) queued += feed.queued();
      return { subscribers: feeds.size, queued };
    },
    window: () => log.window(),
    watch: (usernames) => watches.watch(usernames),
    listen: (listener) => log.listen((e) => listener(e.event)),
    channels,
    start() {
      poller.start();
      presence.start();
    },
    async stop() {
      await poller.stop();
      await presence.stop();
      await watches.close();
      await log.close();
    },
  };
}
