/**
 * buildApp(config, parts): the gateway, assembled from parts that each start and stop on their own:
 * the Agora client (over the embedded emulator when no credentials are set), yoga with the schema,
 * and the HTTP and WebSocket doors. Building answers in-process requests at once (`app.yoga.fetch`);
 * `start()` opens the doors; `stop()` closes them in reverse order of dependency.
 */
import type { Plugin, YogaServerInstance } from 'graphql-yoga';
import { createYoga } from 'graphql-yoga';
import { ingestCallbacks, recordMessages } from './conversations/ingest.ts';
import { createReconciler, type Reconciler } from './conversations/reconcile.ts';
import { createMemoryMessageStore, type MessageStore } from './conversations/store.ts';
import { createRedisMessageStore } from './conversations/store-redis.ts';
import { createRedisBudgetStore } from './agora/budget-store-redis.ts';
import type { BudgetStore } from './agora/budgets.ts';
import { createAgoraClient, type AgoraClient, type AgoraClientOptions } from './agora/client.ts';
import { createEventPipeline, type Events } from './events/pipeline.ts';
import type { AttemptInfo } from './agora/http.ts';
import { hostPlanFromList } from './agora/hosts.ts';
import type { Config } from './config.ts';
import { randomSecret, signToken } from './auth/tokens.ts';
import { createFairShare } from './auth/fair-share.ts';
import { createMemoryDedupe, createRedisDedupe } from './callbacks/dedupe.ts';
import { invalidate, resourcesChangedBy } from './cache/invalidation.ts';
import { createMemoryValueStore, createRedisValueStore, createSharedReads } from './cache/shared-reads.ts';
import { createChatCallbackReceiver, type ChatCallbackReceiver } from './callbacks/receiver.ts';
import { createAuthenticator, SERVICE } from './auth/viewer.ts';
import { createContextFactory, watchingIdentity, type Context } from './context.ts';
import { createEmulator, type Emulator } from './emulator/server.ts';
import { seedDemoData } from './emulator/seed.ts';
import { createGraphiQL } from './server/graphiql.ts';
import { createHttpPart, GRAPHQL_PATH, type ServerContext } from './server/http-server.ts';
import { createInProcessDoor, type InProcessFetch } from './server/in-process.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type GatewayMetrics } from './observability/metrics.ts';
import { useUpstreamCost } from './plugins/use-upstream-cost.ts';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.ts';
import { useSseStreams } from './plugins/use-sse-streams.ts';
import { useHardening } from './plugins/use-hardening.ts';
import { loadPersistedOperations, resolveOperation, usePersistedOperations } from './plugins/use-persisted-operations.ts';
import { createMaskError, publicError } from './schema/common/errors.ts';
import { federatedSchema, schema } from './schema/index.ts';
import { isLiveEvent } from './schema/common/live.ts';
import { forgetSubscribeAuthorization } from './schema/scopes.ts';
import { createUpstreamHealth } from './observability/upstream-health.ts';
import { useOperationMetrics } from './plugins/use-operation-metrics.ts';
import { useRequestId } from './plugins/use-request-id.ts';
import { useEventByEventSubscriptions } from './execution/live-execution.ts';
import { createLiveQueries, type LiveQueries } from './execution/live-queries.ts';
import { predictCost, type CostPrediction } from './schema/common/cost.ts';

export { GRAPHQL_PATH };

export const DEFAULT_QUERY = /* GraphQL */ `
  # Welcome to agora-graphql: a GraphQL API in front of Agora Chat and Signaling.
  # Press the play button to run this query against the built-in demo data.
  # The response's extensions.cost says how many Agora calls it was predicted to cost, and made.
  query Tour {
    agoraMode
    user(username: "alice") {
      nickname
      online
      presence {
        online
        ext
      }
      contacts {
        username
        online
      }
      joinedGroups(first: 5) {
        edges {
          node {
            name
            members(first: 20) {
              edges {
                role
                node {
                  username
                  online
                }
              }
            }
          }
        }
      }
    }
    rooms(first: 5) {
      edges {
        node {
          name
          attributes
        }
      }
    }
  }
`;

export interface StartedServer {
  /** Where GraphQL (and GraphiQL) is served. */
  graphqlUrl: string;
  /** In emulator mode, the embedded emulator's base URL. */
  emulatorUrl?: string | undefined;
}

export interface App {
  /** Opens the HTTP and WebSocket doors. */
  start(): Promise<StartedServer>;
  /** Stops gracefully: doors first (requests in flight finish), then Agora's client, then the emulator. */
  stop(): Promise<void>;
  /**
   * GraphQL in process, as the HTTP door answers it (credentials, request id, yoga), available from the
   * start: no port is opened.
   */
  readonly fetch: InProcessFetch;
  /** The yoga instance, for in-process requests (`yoga.fetch`), available from the start. */
  readonly yoga: YogaServerInstance<ServerContext, Context>;
  /** The embedded emulator, in emulator mode. */
  readonly emulator: Emulator | undefined;
  readonly agora: AgoraClient;
  readonly mode: Context['mode'];
  readonly metrics: GatewayMetrics;
  readonly events: Events;
  /** The message store (src/conversations/store.ts) and its reconciliation from the hourly export. */
  readonly conversations: MessageStore;
  readonly reconciler: Reconciler;
  readonly callbacks: ChatCallbackReceiver;
  /** `@live` queries on this instance: how many, of how many shapes, and their re-executions so far. */
  readonly liveQueries: Pick<LiveQueries, 'stats'>;
  /** In emulator mode: an admin token and a user token (alice), signed for this gateway. */
  readonly devTokens: { admin: string; alice: string } | undefined;
}

export interface AppParts {
  logger?: Logger;
  /**
   * An emulator to talk to instead of embedding one (several in-process instances share one Agora);
   * the app does not stop it.
   */
  emulator?: Emulator;
  /** Diagnostic: false makes every loader key its own upstream call (bench/batching.ts compares). */
  batching?: boolean;
  /** More yoga plugins, after the gateway's own (for embedding, and for tests that need a failing part). */
  plugins?: Plugin[];
}

interface Upstream {
  agora: AgoraClient;
  mode: Context['mode'];
  emulator: Emulator | undefined;
  ownsEmulator: boolean;
}

/** Agora itself with credentials; otherwise the embedded emulator on a free port, with demo data. */
interface UpstreamHooks {
  onAttempt(info: AttemptInfo): void;
  onRetry: AgoraClientOptions['onRetry'];
  budgetStore: BudgetStore | undefined;
}

async function connectUpstream(config: Config, hooks: UpstreamHooks, given: Emulator | undefined): Promise<Upstream> {
  const common = {
    retryUnitMs: config.upstream.retryUnitMs,
    timeouts: config.upstream.timeouts,
    budget: { maxWaitMs: config.upstream.budgetMaxWaitMs, store: hooks.budgetStore },
    onAttempt: hooks.onAttempt,
    onRetry: hooks.onRetry,
  };
  if (config.agora.mode === 'agora') {
    const { appId, signaling, chat } = config.agora;
    return { agora: createAgoraClient({ appId, signaling, chat, ...common }), mode: 'agora', emulator: undefined, ownsEmulator: false };
  }
  const emulator = given ?? createEmulator();
  if (!given) {
    await emulator.listen({ port: config.emulator.port, host: config.emulator.host, label: 'embedded' });
    seedDemoData(emulator.state);
  }
  const { appId, appCertificate, customerKey, customerSecret, chatOrg, chatApp } = emulator.project;
  const agora = createAgoraClient({
    appId,
    signaling: { hosts: hostPlanFromList([emulator.url]), credentials: { kind: 'basic', customerKey, customerSecret } },
    chat: { host: emulator.url, orgName: chatOrg, appName: chatApp, appCertificate },
    ...common,
  });
  return { agora, mode: 'emulator', emulator, ownsEmulator: !given };
}

export async function buildApp(config: Config, parts: AppParts = {}): Promise<App> {
  const logger = parts.logger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const upstreamHealth = createUpstreamHealth();
  // With REDIS_URL, instances share the event log, the poller's lease and Agora's rate budgets. The client is
  // loaded only then: a single instance does not carry ioredis (about 2 MB of heap that every full GC marks).
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }) : undefined;
  redis?.on('error', (error: unknown) => logger.warn({ err: error }, 'Redis connection error'));
  const { agora, mode, emulator, ownsEmulator } = await connectUpstream(
    config,
    {
      onAttempt: (info) => {
        metrics.upstreamAttempt(info);
        upstreamHealth.record(info);
      },
      onRetry: metrics.retry,
      budgetStore: redis && createRedisBudgetStore(redis),
    },
    parts.emulator,
  );
  metrics.watchBudgets(agora.budgets);
  const appId = config.agora.mode === 'agora' ? config.agora.appId : emulator!.project.appId;
  const events = await createEventPipeline({ agora, logger, settings: config.events, redis, keyPrefix: `agora-graphql:${appId}` });

  metrics.watchEvents(events);

  // The gateway's own record of Chat messages by conversation, reconciled from the hourly export by the poller's leader.
  const { retention, reconcile } = config.conversations;
  const conversations = redis ? createRedisMessageStore(redis, `agora-graphql:${appId}:conversations:`, retention) : createMemoryMessageStore(retention);
  const reconciler = createReconciler({
    chat: agora.chat,
    store: conversations,
    leads: () => events.pollerStats().role === 'leader',
    settings: reconcile,
    logger,
    record: (messages) => recordMessages(events, conversations, messages),
  });

  // Agora Chat's callbacks feed the same pipeline. In emulator mode the embedded emulator is given a
  // callback rule of its own, with a secret made for this process, once the gateway's address is known.
  const callbackSecrets = config.chatCallbacks.secrets.length > 0 ? config.chatCallbacks.secrets : ownsEmulator ? [randomSecret()] : [];
  const roomIds = new Map<string, Promise<'group' | 'room'>>();
  const callbacks = createChatCallbackReceiver({
    settings: { ...config.chatCallbacks, secrets: callbackSecrets },
    events,
    dedupe: redis
      ? createRedisDedupe(redis, `agora-graphql:${appId}`, 2 * config.chatCallbacks.maxAgeMs)
      : createMemoryDedupe(2 * config.chatCallbacks.maxAgeMs),
    logger,
    onPublished: ingestCallbacks(events, conversations, logger),
    // A `groupchat` callback does not say whether its id is a group or a room: asked once per id.
    kindOf: (id) => {
      let kind = roomIds.get(id);
      if (!kind) {
        kind = (agora.chat?.rooms.details([id]) ?? Promise.resolve([])).then(
          (found) => (found.length > 0 ? 'room' : 'group'),
          () => 'group' as const,
        );
        roomIds.set(id, kind);
      }
      return kind;
    },
  });

  const persisted = config.persistedOperationsPath ? loadPersistedOperations(config.persistedOperationsPath) : undefined;
  const fairShare = createFairShare(config.fairShare, redis, `agora-graphql:${appId}`);

  // Without shared reads each request reads for itself, bound to its own signal.
  // With Redis the cache is shared by every instance; each instance still coalesces and batches its own calls.
  const shared = config.sharedReads.enabled
    ? createSharedReads(
        config.sharedReads,
        redis ? createRedisValueStore(redis, `agora-graphql:${appId}:shared:`) : createMemoryValueStore(config.sharedReads.maxEntries),
      )
    : undefined;
  const contextFor = createContextFactory({ agora, mode, events, conversations, reconciler, shared, batching: parts.batching });

  /** An operation of this prediction within its viewer's fair share, or the refusal that says when to retry. */
  const admitToFairShare = async (ctx: Context, prediction: CostPrediction) => {
    const refused = await fairShare.admit(ctx.viewer, ctx.clientAddress, prediction.calls);
    return (
      refused &&
      publicError(`This client has used its share of ${refused.what} for now: retry after ${refused.retryAfterSeconds} s`, 'RATE_LIMITED', {
        retryAfter: refused.retryAfterSeconds,
        reason: 'FAIR_SHARE',
      })
    );
  };
  const liveQueries = createLiveQueries({
    settings: config.liveQueries,
    contextFor,
    // A group's members share a kind of viewer, so one prediction serves its every re-execution.
    admission: ({ schema, document, variableValues, operationName }) => {
      let prediction: CostPrediction | undefined;
      return (ctx) =>
        admitToFairShare(
          ctx,
          (prediction ??= predictCost(schema, document, (variableValues ?? {}) as Record<string, unknown>, operationName, ctx.viewer.username !== undefined)),
        );
    },
    watch: (usernames) => events.watch(usernames),
    logger,
  });
  metrics.watchLiveQueries(liveQueries);
  // What an event changed: the shared reads drop it, then the live queries that read it run again.
  events.listen((event) => {
    const dropped = shared && invalidate(shared, event);
    const resources = resourcesChangedBy(event);
    if (resources.length > 0) liveQueries.changed(resources, dropped);
  });
  const yoga = createYoga<ServerContext, Context>({
    // FEDERATION=on: the same schema as an Apollo Federation subgraph (`_service`, `_entities`, entity keys).
    schema: config.federation ? federatedSchema() : schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // Both doors give a scope; an in-process `yoga.fetch` acts as the service, aborted with its request.
    context: (initial): Context => contextFor(initial.scope ?? { viewer: SERVICE, signal: initial.request.signal }),
    maskedErrors: { maskError: createMaskError(logger) },
    plugins: [
      // First, so that the others wrap how subscriptions run (src/execution/live-execution.ts).
      // Subscribers of one operation, audience and variables share each event's execution.
      useEventByEventSubscriptions(
        {
          audienceOf: (context) => (context as Partial<Context>).audience,
          watchIdentity: (context) => watchingIdentity(context as Context),
          isSharedEvent: isLiveEvent,
        },
        { started: metrics.subscriptionStarted, ended: metrics.subscriptionEnded, subscribed: forgetSubscribeAuthorization },
      ),
      // Before the cost plugin, whose admission then wraps a live query's first execution.
      liveQueries.plugin(),
      ...(persisted ? [usePersistedOperations(persisted)] : []),
      useHardening(config.limits),
      useUpstreamCost({ maxCalls: config.limits.maxUpstreamCalls, maxObjects: config.limits.maxObjects, expose: config.limits.explain }, admitToFairShare),
      useRequestId(),
      useOperationMetrics(metrics),
      useCsrfPrevention(),
      useSseStreams({ path: GRAPHQL_PATH, ...config.sseStreams, resolveOperation: persisted && ((params) => resolveOperation(persisted, params)) }),
      ...(parts.plugins ?? []),
    ],
    // GraphiQL is served by ./graphiql.ts from the installed packages; yoga's own page loads a CDN.
    graphiql: false,
    landingPage: false,
    // The HTTP door refuses a body over MAX_BODY_BYTES by its Content-Length, and one without a length,
    // before yoga reads it (http-server.ts); yoga's own limit would pipe every body through a second
    // stream, an abort controller and its DOMException per request (a cost bench/overhead.ts shows).
    maxRequestBodySize: false,
    logging: {
      debug: (...args: unknown[]) => logger.debug({ args }, 'yoga'),
      info: (...args: unknown[]) => logger.info({ args }, 'yoga'),
      warn: (...args: unknown[]) => logger.warn({ args }, 'yoga'),
      error: (...args: unknown[]) => logger.error({ args }, 'yoga'),
    },
  });

  // Emulator mode signs development tokens with AUTH_JWT_SECRET, or a secret of its own per process.
  const jwtSecret = config.auth.jwtSecret ?? (mode === 'emulator' && !config.auth.jwksUrl ? randomSecret() : undefined);
  const authenticator = createAuthenticator({ ...config.auth, jwtSecret });
  if (config.auth.disabled) logger.warn("AUTH_DISABLED=true: authentication is off, and every request acts as admin with Agora's credentials");
  const devTokens =
    mode === 'emulator' && jwtSecret
      ? {
          admin: await signToken(jwtSecret, { sub: 'service:dev-admin', roles: ['admin'], issuer: config.auth.issuer, audience: config.auth.audience }),
          alice: await signToken(jwtSecret, { sub: 'alice', roles: ['user'], issuer: config.auth.issuer, audience: config.auth.audience }),
        }
      : undefined;

  let ready = false;
  const services = ['signaling', ...(agora.chat ? ['chat'] : [])];
  const doors = createHttpPart({
    port: config.port,
    host: config.host,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    maxBodyBytes: config.limits.maxBodyBytes,
    webSocket: config.webSocket,
    authenticator,
    callbacks,
    resolveOperation: persisted && ((payload) => resolveOperation(persisted, payload)),
    allowedOrigins: config.auth.allowedOrigins,
    yoga,
    graphiql: createGraphiQL({
      graphqlPath: GRAPHQL_PATH,
      title: 'agora-graphql',
      // In emulator mode GraphiQL opens signed in as the development admin.
      graphiql: {
        title: 'agora-graphql',
        defaultQuery: DEFAULT_QUERY,
        subscriptionsProtocol: 'WS',
        ...(devTokens
          ? {
              headers: JSON.stringify({ Authorization: `Bearer ${devTokens.admin}` }, null, 2),
              connectionParams: { authorization: `Bearer ${devTokens.admin}` },
            }
          : {}),
      },
    }),
    metrics,
    logger,
    readiness: () => ({ ready, mode, upstream: upstreamHealth.report(services), poller: events.pollerStats(), redis: redis ? redis.status : 'not configured' }),
  });

  let stopping: Promise<void> | undefined;
  return {
    fetch: createInProcessDoor(yoga, authenticator),
    yoga,
    emulator,
    agora,
    mode,
    metrics,
    events,
    conversations,
    reconciler,
    callbacks,
    liveQueries,
    devTokens,
    async start() {
      const graphqlUrl = await doors.start();
      if (ownsEmulator && emulator && config.chatCallbacks.secrets.length === 0) {
        emulator.state.chatCallbackRules = [{ url: new URL(config.chatCallbacks.path, graphqlUrl).href, secret: callbackSecrets[0]! }];
      }
      events.start();
      reconciler.start();
      ready = true;
      return { graphqlUrl, emulatorUrl: emulator?.url };
    },
    stop() {
      stopping ??= (async () => {
        // /readyz answers 503 from now on, while the doors drain.
        ready = false;
        // The poller first (its read in flight finishes and is published), then the bus, then the doors.
        await reconciler.stop();
        liveQueries.stop();
        await events.stop();
        await doors.stop();
        await agora.close();
        redis?.disconnect();
        if (ownsEmulator) await emulator?.close();
        logger.flush();
      })();
      return stopping;
    },
  };
}
