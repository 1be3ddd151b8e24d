/**
 * Prometheus metrics at /metrics (prom-client), one registry per gateway so that several gateways in a
 * process (tests, embedding) never mix their numbers. What is counted:
 * - GraphQL operations by name, type and outcome (`ok`, or the first error's `extensions.code`), with a
 *   latency histogram;
 * - upstream calls to Agora by operation and status (an HTTP status, or how the call failed), with a
 *   latency histogram; retries by operation and the host retried on; failovers;
 * - per rate-budget class: slots granted, callers that waited, callers refused (RATE_LIMITED);
 * - open WebSocket connections and active subscriptions.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { RateBudgets } from '../agora/budgets.ts';
import type { AttemptInfo, RetryInfo } from '../agora/http.ts';
import { count, countedFamily, histogramFamily, observe } from './series.ts';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What the event gauges read: the event pipeline's counters. A shape of its own, which the pipeline
 * meets, so that observability sits below the events it observes.
 */
export interface EventCounters {
  pollerStats(): {
    role: string;
    reads: number;
    eventsPublished: number;
    duplicatesDropped: number;
    possibleLosses: number;
    upstreamStoreFull: number;
    lagMs: number | undefined;
  };
  subscriberStats(): { subscribers: number; queued: number };
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** One operation's outcome (`ok` or the error code a client saw) and latency; positional, as it is counted for every operation. */
  operation(name: string, type: string, outcome: string, seconds: number): void;
  upstreamAttempt(info: AttemptInfo): void;
  retry(info: RetryInfo): void;
  /** The budgets whose stats are read at each scrape. */
  watchBudgets(budgets: RateBudgets): void;
  /** The event pipeline whose poller and subscribers are read at each scrape. */
  watchEvents(events: EventCounters): void;
  /** The live queries whose counts are read at each scrape. */
  watchLiveQueries(live: LiveQueryCounters): void;
  /** Reads an operation got from the shared cache, or from another request's call. */
  sharedReads(counts: { cacheHits: number; coalesced: number }): void;
  socketOpened(): void;
  socketClosed(): void;
  subscriptionStarted(): void;
  subscriptionEnded(): void;
}

/** What the live-query gauges read (src/execution/live-queries.ts, which sits above this module). */
interface LiveQueryCounters {
  stats(): { queries: number; shapes: number; reexecutions: number };
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  // Counted for every operation and every Agora call: families of ./series.ts, not prom-client's own.
  const operations = countedFamily(registry, {
    name: 'graphql_operations_total',
    help: 'GraphQL operations by name, type and outcome',
    labelNames: ['operation', 'type', 'outcome'],
  });
  const operationSeconds = histogramFamily(registry, {
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency',
    labelNames: ['operation', 'type'],
    buckets: SECONDS,
  });
  const upstream = countedFamily(registry, {
    name: 'agora_upstream_calls_total',
    help: 'Calls to Agora by operation, status (HTTP status, or how the call failed) and budget priority (interactive, background)',
    labelNames: ['operation', 'status', 'priority'],
  });
  const upstreamSeconds = histogramFamily(registry, {
    name: 'agora_upstream_call_duration_seconds',
    help: 'Latency of calls to Agora',
    labelNames: ['operation'],
    buckets: SECONDS,
  });
  const retries = new Counter({
    name: 'agora_retries_total',
    help: 'Retries of calls to Agora by operation and the host retried on',
    labelNames: ['operation', 'host'],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'agora_failovers_total',
    help: 'Retries that moved to another host',
    labelNames: ['operation'],
    registers: [registry],
  });
  /** A gauge read at each scrape; `undefined` leaves it as it was. */
  const readGauge = (name: string, help: string, read: () => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const value = read();
        if (value !== undefined) this.set(value);
      },
    });
  readGauge('nodejs_heap_used_bytes', 'V8 heap in use by this process', () => process.memoryUsage().heapUsed);
  readGauge('nodejs_heap_total_bytes', 'V8 heap this process has reserved (used and free)', () => process.memoryUsage().heapTotal);
  readGauge('nodejs_external_bytes', 'Memory of C++ objects bound to JavaScript objects (buffers included)', () => process.memoryUsage().external);
  readGauge('nodejs_resident_bytes', 'Resident set size of this process', () => process.memoryUsage.rss());
  const cacheHits = new Counter({ name: 'shared_reads_cache_hits_total', help: 'Reads served from the shared cache (no Agora call)', registers: [registry] });
  const coalesced = new Counter({ name: 'shared_reads_coalesced_total', help: "Reads that joined another request's Agora call", registers: [registry] });
  const sockets = new Gauge({ name: 'graphql_ws_connections', help: 'Open graphql-ws connections', registers: [registry] });
  const subscriptions = new Gauge({ name: 'graphql_subscriptions_active', help: 'Active subscriptions (WebSocket and SSE)', registers: [registry] });
  const watched: RateBudgets[] = [];
  const budgetGauge = (name: string, help: string, pick: (s: { granted: number; waited: number; rejected: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['class'],
      registers: [registry],
      collect() {
        this.reset();
        for (const budgets of watched) for (const [cls, stats] of Object.entries(budgets.stats())) this.inc({ class: cls }, pick(stats));
      },
    });
  let live: LiveQueryCounters | undefined;
  readGauge('graphql_live_queries', 'Open @live queries on this instance', () => live?.stats().queries);
  readGauge('graphql_live_query_shapes', 'Shapes among them: each is re-executed once per change', () => live?.stats().shapes);
  readGauge('graphql_live_query_reexecutions', 'Re-executions of live queries so far', () => live?.stats().reexecutions);
  let events: EventCounters | undefined;
  const eventGauge = (name: string, help: string, read: (e: EventCounters) => number | undefined) => readGauge(name, help, () => events && read(events));
  eventGauge('event_poller_leader', '1 while this instance polls Agora events (holds the lease), else 0', (e) => (e.pollerStats().role === 'leader' ? 1 : 0));
  eventGauge('event_poller_reads', 'Reads of Agora event feeds by this instance', (e) => e.pollerStats().reads);
  eventGauge('event_poller_events_published', 'Events this instance polled and published', (e) => e.pollerStats().eventsPublished);
  eventGauge('event_poller_duplicates_dropped', 'Events another region had already returned', (e) => e.pollerStats().duplicatesDropped);
  eventGauge('event_poller_possible_losses', 'Event reads that failed after Agora may have answered', (e) => e.pollerStats().possibleLosses);
  eventGauge(
    'event_poller_upstream_store_full',
    'Drains that found an Agora event store full (older events may have been dropped upstream)',
    (e) => e.pollerStats().upstreamStoreFull,
  );
  eventGauge('event_poller_lag_seconds', 'From Agora receiving the newest published event to its publication', (e) => {
    const lag = e.pollerStats().lagMs;
    return lag === undefined ? undefined : lag / 1000;
  });
  eventGauge('event_subscribers', 'Open subscriber feeds on this instance', (e) => e.subscriberStats().subscribers);
  eventGauge('event_subscriber_queued', 'Events waiting in subscriber queues on this instance', (e) => e.subscriberStats().queued);

  budgetGauge('agora_budget_granted', 'Rate-budget slots granted, by class', (s) => s.granted);
  budgetGauge('agora_budget_waited', 'Calls that waited for a rate-budget slot, by class', (s) => s.waited);
  budgetGauge('agora_budget_rejected', 'Calls refused with RATE_LIMITED because no slot came in time, by class', (s) => s.rejected);

  return {
    registry,
    operation(name, type, outcome, seconds) {
      count(operations.at(name, type, outcome));
      observe(operationSeconds.at(name, type), seconds);
    },
    upstreamAttempt(info) {
      count(upstream.at(info.operation, info.status ?? info.failure ?? 'unknown', info.priority));
      observe(upstreamSeconds.at(info.operation), info.durationMs / 1000);
    },
    retry(info) {
      retries.inc({ operation: info.operation, host: info.host });
      if (info.failover) failovers.inc({ operation: info.operation });
    },
    watchBudgets: (budgets) => void watched.push(budgets),
    sharedReads(counts) {
      if (counts.cacheHits > 0) cacheHits.inc(counts.cacheHits);
      if (counts.coalesced > 0) coalesced.inc(counts.coalesced);
    },
    watchEvents: (pipeline) => {
      events = pipeline;
    },
    watchLiveQueries: (queries) => {
      live = queries;
    },
    socketOpened: () => sockets.inc(),
    socketClosed: () => sockets.dec(),
    subscriptionStarted: () => subscriptions.inc(),
    subscriptionEnded: () => subscriptions.dec(),
  };
}
