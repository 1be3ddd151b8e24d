/**
 * The environment, validated with zod into a typed Config. With no Agora credentials at all the gateway
 * runs against the embedded emulator; with credentials it talks to Agora. A half-configured environment
 * is refused with a message that names what is missing, never what a secret is.
 */
import { z } from 'zod';
import type { LogLevel } from './observability/logger.ts';
import type { SignalingCredentials } from './agora/auth.ts';
import type { ReconcileSettings } from './conversations/reconcile.ts';
import type { RetentionSettings } from './conversations/store.ts';
import { hostPlanForRegion, hostPlanFromList, REGIONS, type HostPlan } from './agora/hosts.ts';
import type { ChatOptions } from './agora/client.ts';
import type { HttpTimeouts } from './agora/http.ts';
import type { FairShareSettings } from './auth/fair-share.ts';
import type { CallbackSettings } from './callbacks/receiver.ts';
import type { SharedReadSettings } from './cache/shared-reads.ts';
import type { AuthSettings } from './auth/viewer.ts';
import type { EventSettings } from './events/pipeline.ts';
import type { LiveQuerySettings } from './execution/live-queries.ts';

export type AgoraTarget =
  | { mode: 'emulator' }
  | {
      mode: 'agora';
      appId: string;
      signaling: { hosts: HostPlan; credentials: SignalingCredentials };
      /** Agora Chat, when AGORA_CHAT_HOST and the app key are set. */
      chat: ChatOptions | undefined;
    };

/** What no request may exceed (src/plugins/use-hardening.ts, src/plugins/use-upstream-cost.ts). */
export interface SseStreamLimits {
  /** Streams one viewer (a user, a service, or an anonymous address) holds at once. */
  maxStreamsPerViewer: number;
  /** Operations at once on one stream (as on one WebSocket). */
  maxOperationsPerStream: number;
  /** How long a reserved stream waits to be opened. */
  reservationTimeoutMs: number;
}

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Bytes of one GraphQL document, checked before it is parsed. */
  maxDocumentBytes: number;
  /** Fields from `__schema` or `__type` down, when introspection is on. */
  maxIntrospectionDepth: number;
  maxUpstreamCalls: number;
  maxObjects: number;
  /** Request bodies larger than this are refused with 413. */
  maxBodyBytes: number;
  introspection: boolean;
  /** Whether refusals name the limit, and unknown fields get suggestions (emulator mode). */
  explain: boolean;
}

export interface Config {
  port: number;
  host: string;
  logLevel: LogLevel;
  agora: AgoraTarget;
  upstream: {
    retryUnitMs: number;
    timeouts: HttpTimeouts;
    budgetMaxWaitMs: number;
  };
  /** Where the embedded emulator listens in emulator mode. */
  emulator: { port: number; host: string };
  /** On SIGTERM, how long requests in flight may take to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** Shared state for several instances (events, poller lease, rate budgets); one instance in memory without. */
  redisUrl: string | undefined;
  events: EventSettings;
  limits: QueryLimits;
  fairShare: FairShareSettings;
  sharedReads: SharedReadSettings;
  /** Agora Chat's HTTP callbacks: off without secrets (in emulator mode the embedded emulator gets a rule of its own). */
  chatCallbacks: CallbackSettings;
  /** A manifest of the only operations that may run (hash -> document); any operation when absent. */
  persistedOperationsPath: string | undefined;
  auth: AuthSettings & {
    /** Browser origins allowed to open WebSockets and call with credentials (CORS does not protect WebSockets). */
    allowedOrigins: readonly string[];
  };
  /** graphql-ws: ping interval (a socket that does not answer within it is closed), and how long a socket may take to send connection_init. */
  webSocket: { keepAliveMs: number; connectionInitTimeoutMs: number; maxMessageBytes: number; maxSubscriptionsPerSocket: number };
  /** The gateway's message store and its reconciliation from the hourly export (src/conversations/). */
  conversations: { retention: RetentionSettings; reconcile: ReconcileSettings };
  /** graphql-sse's single-connection mode (src/plugins/use-sse-streams.ts). */
  sseStreams: SseStreamLimits;
  /** `@live` queries (src/execution/live-queries.ts). */
  liveQueries: LiveQuerySettings;
  /** Serve the schema as an Apollo Federation subgraph (src/schema/federation.ts); the plain schema when off. */
  federation: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const hex32 = (name: string) => z.string().regex(/^[0-9a-fA-F]{32}$/, `${name} must be 32 hexadecimal characters`);
const port = z.coerce.number().int().min(0).max(65535);
const ms = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const env = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AGORA_APP_ID: optionalText.pipe(hex32('AGORA_APP_ID').optional()),
  AGORA_APP_CERTIFICATE: optionalText.pipe(hex32('AGORA_APP_CERTIFICATE').optional()),
  AGORA_CUSTOMER_KEY: optionalText,
  AGORA_CUSTOMER_SECRET: optionalText,
  AGORA_RTM_AUTH: z.enum(['basic', 'token']).optional(),
  AGORA_RTM_SERVICE_UID: z.string().min(1).max(64).default('agora-graphql'),
  AGORA_REGION: z.enum(REGIONS, { error: `AGORA_REGION must be one of ${REGIONS.join(', ')}` }).default('us-west-1'),
  AGORA_RTM_HOSTS: optionalText,
  AGORA_CHAT_HOST: optionalText.pipe(z.url({ error: 'AGORA_CHAT_HOST must be a URL such as https://a41.chat.agora.io' }).optional()),
  AGORA_CHAT_APP_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[^#\s]+#[^#\s]+$/, 'AGORA_CHAT_APP_KEY must be the app key org_name#app_name')
      .optional(),
  ),
  AGORA_CHAT_ORG_NAME: optionalText.pipe(
    z
      .string()
      .regex(/^[^#\s/]+$/, 'AGORA_CHAT_ORG_NAME is the part of the app key before #')
      .optional(),
  ),
  AGORA_CHAT_APP_NAME: optionalText.pipe(
    z
      .string()
      .regex(/^[^#\s/]+$/, 'AGORA_CHAT_APP_NAME is the part of the app key after #')
      .optional(),
  ),
  AGORA_RETRY_UNIT_MS: ms(1000),
  AGORA_CONNECT_TIMEOUT_MS: ms(5000),
  AGORA_RESPONSE_TIMEOUT_MS: ms(15_000),
  AGORA_BUDGET_MAX_WAIT_MS: ms(10_000),
  SHUTDOWN_TIMEOUT_MS: ms(10_000),
  EMULATOR_PORT: port.default(0),
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, 'REDIS_URL must be a redis:// or rediss:// URL')
      .optional(),
  ),
  EVENT_POLL_INTERVAL_MS: ms(100),
  EVENT_LOG_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  SUBSCRIBER_QUEUE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  POLLER_LEASE_MS: z.coerce.number().int().min(300).default(5_000),
  PRESENCE_POLL_INTERVAL_MS: ms(250),
  AGORA_RTM_EVENT_REGIONS: optionalText,
  AGORA_RTM_EVENT_HOSTS: optionalText,
  NODE_ENV: z.string().optional(),
  AGORA_MODE: z.enum(['emulator', 'agora'], { error: 'AGORA_MODE must be emulator or agora' }).optional(),
  AUTH_JWT_SECRET: optionalText.pipe(z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional()),
  AUTH_JWKS_URL: optionalText.pipe(z.url({ error: 'AUTH_JWKS_URL must be a URL' }).optional()),
  AUTH_JWKS_COOLDOWN_MS: ms(30_000),
  AUTH_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  AUTH_JWT_ISSUER: optionalText,
  AUTH_JWT_AUDIENCE: optionalText,
  AUTH_API_KEY_HASHES: optionalText.pipe(
    z
      .string()
      .regex(
        /^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/,
        'AUTH_API_KEY_HASHES must be comma-separated SHA-256 hashes (64 hex characters each) of the keys, never the keys',
      )
      .optional(),
  ),
  AUTH_DISABLED: z.enum(['true', 'false']).optional(),
  ALLOWED_ORIGINS: optionalText,
  LIMIT_MAX_DEPTH: z.coerce.number().int().min(1).default(10),
  LIMIT_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  LIMIT_MAX_DIRECTIVES: z.coerce.number().int().min(1).default(20),
  LIMIT_MAX_TOKENS: z.coerce.number().int().min(10).default(5_000),
  LIMIT_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).default(100_000),
  LIMIT_MAX_INTROSPECTION_DEPTH: z.coerce.number().int().min(15).default(20),
  LIMIT_MAX_UPSTREAM_CALLS: z.coerce.number().int().min(1).default(100),
  LIMIT_MAX_OBJECTS: z.coerce.number().int().min(1).default(20_000),
  FAIR_OPERATIONS_PER_SECOND: z.coerce.number().int().min(1).default(50),
  FAIR_UPSTREAM_CALLS_PER_SECOND: z.coerce.number().int().min(1).default(60),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(2_000_000),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  PERSISTED_OPERATIONS: optionalText,
  SHARED_READS: z.enum(['on', 'off']).default('on'),
  LIVE_THROTTLE_MS: ms(1_000),
  FEDERATION: z.enum(['on', 'off'], { error: 'FEDERATION must be on or off' }).default('off'),
  SHARED_READS_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(2),
  CACHE_TTL_USER_MS: z.coerce.number().int().min(0).default(5_000),
  CACHE_TTL_ONLINE_MS: z.coerce.number().int().min(0).default(2_000),
  CACHE_TTL_COLLECTIVE_MS: z.coerce.number().int().min(0).default(5_000),
  CHAT_CALLBACK_SECRETS: optionalText,
  CHAT_CALLBACK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9/_.-]{1,200}$/, 'CHAT_CALLBACK_PATH must be a path such as /agora/chat/callbacks/<token>')
    .default('/agora/chat/callbacks'),
  CHAT_CALLBACK_MAX_AGE_MS: ms(300_000),
  WS_KEEPALIVE_MS: ms(12_000),
  WS_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(65_536),
  WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(100),
  WS_CONNECTION_INIT_TIMEOUT_MS: ms(3_000),
  CONVERSATION_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(1_000),
  CONVERSATION_MAX_AGE_DAYS: z.coerce.number().min(0.001).max(3650).default(30),
  RECONCILE_INTERVAL_MS: ms(600_000),
  RECONCILE_DELAY_MS: ms(3_600_000),
  RECONCILE_LOOKBACK_HOURS: z.coerce.number().int().min(1).max(72).default(24),
  SSE_MAX_STREAMS_PER_CLIENT: z.coerce.number().int().min(1).default(5),
  SSE_RESERVATION_TIMEOUT_MS: ms(10_000),
});

const CREDENTIAL_VARIABLES = [
  'AGORA_APP_ID',
  'AGORA_APP_CERTIFICATE',
  'AGORA_CUSTOMER_KEY',
  'AGORA_CUSTOMER_SECRET',
  'AGORA_CHAT_HOST',
  'AGORA_CHAT_APP_KEY',
  'AGORA_CHAT_ORG_NAME',
  'AGORA_CHAT_APP_NAME',
] as const;

function chatOptions(e: z.output<typeof env>): ChatOptions | undefined {
  const named = e.AGORA_CHAT_ORG_NAME !== undefined || e.AGORA_CHAT_APP_NAME !== undefined;
  if (!e.AGORA_CHAT_HOST && !e.AGORA_CHAT_APP_KEY && !named) return undefined;
  if (e.AGORA_CHAT_APP_KEY && named) throw new ConfigError('Give AGORA_CHAT_APP_KEY or AGORA_CHAT_ORG_NAME with AGORA_CHAT_APP_NAME, not both');
  const [orgName, appName] = e.AGORA_CHAT_APP_KEY ? e.AGORA_CHAT_APP_KEY.split('#') : [e.AGORA_CHAT_ORG_NAME, e.AGORA_CHAT_APP_NAME];
  if (!e.AGORA_CHAT_HOST || !orgName || !appName) {
    throw new ConfigError(
      'Agora Chat needs AGORA_CHAT_HOST and the app key: AGORA_CHAT_APP_KEY, or AGORA_CHAT_ORG_NAME and AGORA_CHAT_APP_NAME (Console: Chat > Config)',
    );
  }
  if (!e.AGORA_APP_CERTIFICATE) throw new ConfigError('Agora Chat needs AGORA_APP_CERTIFICATE to mint its app tokens');
  return { host: e.AGORA_CHAT_HOST, orgName, appName, appCertificate: e.AGORA_APP_CERTIFICATE };
}

function signalingHosts(list: string | undefined, region: (typeof REGIONS)[number]): HostPlan {
  if (!list) return hostPlanForRegion(region);
  try {
    return hostPlanFromList(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  } catch {
    throw new ConfigError('AGORA_RTM_HOSTS must be one to three comma-separated URLs: primary, alternate, regional');
  }
}

/** AGORA_RTM_EVENT_REGIONS: the regions whose Signaling event stores the poller reads, comma-separated. */
function eventRegions(list: string | undefined): HostPlan[] | undefined {
  if (!list) return undefined;
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.find((n) => !(REGIONS as readonly string[]).includes(n));
  if (unknown !== undefined) throw new ConfigError(`AGORA_RTM_EVENT_REGIONS: ${unknown} is not one of ${REGIONS.join(', ')}`);
  return names.map((n) => hostPlanForRegion(n as (typeof REGIONS)[number]));
}

/** AGORA_RTM_EVENT_HOSTS: one origin per region's event store, comma-separated (overrides the regions). */
function eventHosts(list: string | undefined): HostPlan[] | undefined {
  if (!list) return undefined;
  try {
    return list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((origin) => hostPlanFromList([origin]));
  } catch {
    throw new ConfigError('AGORA_RTM_EVENT_HOSTS must be comma-separated URLs, one per region');
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const e = parsed.data;
  const base = {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    upstream: {
      retryUnitMs: e.AGORA_RETRY_UNIT_MS,
      timeouts: { connectMs: e.AGORA_CONNECT_TIMEOUT_MS, headersMs: e.AGORA_RESPONSE_TIMEOUT_MS, bodyMs: e.AGORA_RESPONSE_TIMEOUT_MS },
      budgetMaxWaitMs: e.AGORA_BUDGET_MAX_WAIT_MS,
    },
    emulator: { port: e.EMULATOR_PORT, host: e.EMULATOR_HOST },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    webSocket: {
      keepAliveMs: e.WS_KEEPALIVE_MS,
      connectionInitTimeoutMs: e.WS_CONNECTION_INIT_TIMEOUT_MS,
      maxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS,
    },
    conversations: {
      retention: { maxPerConversation: e.CONVERSATION_MAX_MESSAGES, maxAgeMs: e.CONVERSATION_MAX_AGE_DAYS * 86_400_000 },
      reconcile: { intervalMs: e.RECONCILE_INTERVAL_MS, delayMs: e.RECONCILE_DELAY_MS, lookbackHours: e.RECONCILE_LOOKBACK_HOURS },
    },
    sseStreams: {
      maxStreamsPerViewer: e.SSE_MAX_STREAMS_PER_CLIENT,
      maxOperationsPerStream: e.WS_MAX_SUBSCRIPTIONS,
      reservationTimeoutMs: e.SSE_RESERVATION_TIMEOUT_MS,
    },
    persistedOperationsPath: e.PERSISTED_OPERATIONS,
    liveQueries: { throttleMs: e.LIVE_THROTTLE_MS },
    federation: e.FEDERATION === 'on',
    sharedReads: {
      enabled: e.SHARED_READS === 'on',
      windowMs: e.SHARED_READS_WINDOW_MS,
      // Attributes are batched and coalesced across requests, not cached: users change their own often.
      ttlMs: { user: e.CACHE_TTL_USER_MS, online: e.CACHE_TTL_ONLINE_MS, collective: e.CACHE_TTL_COLLECTIVE_MS, attributes: 0 },
      maxEntries: 50_000,
    },
    chatCallbacks: {
      path: e.CHAT_CALLBACK_PATH,
      secrets:
        e.CHAT_CALLBACK_SECRETS?.split(',')
          .map((s) => s.trim())
          .filter(Boolean) ?? [],
      maxAgeMs: e.CHAT_CALLBACK_MAX_AGE_MS,
    },
    fairShare: { operationsPerSecond: e.FAIR_OPERATIONS_PER_SECOND, upstreamCallsPerSecond: e.FAIR_UPSTREAM_CALLS_PER_SECOND },
    limits: {
      maxDepth: e.LIMIT_MAX_DEPTH,
      maxAliases: e.LIMIT_MAX_ALIASES,
      maxDirectives: e.LIMIT_MAX_DIRECTIVES,
      maxTokens: e.LIMIT_MAX_TOKENS,
      maxDocumentBytes: e.LIMIT_MAX_DOCUMENT_BYTES,
      maxIntrospectionDepth: e.LIMIT_MAX_INTROSPECTION_DEPTH,
      maxUpstreamCalls: e.LIMIT_MAX_UPSTREAM_CALLS,
      maxObjects: e.LIMIT_MAX_OBJECTS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      introspection: e.INTROSPECTION === 'true',
      explain: false,
    },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      jwksUrl: e.AUTH_JWKS_URL,
      jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
      tokenCacheSize: e.AUTH_TOKEN_CACHE_SIZE,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      apiKeyHashes: e.AUTH_API_KEY_HASHES?.split(',') ?? [],
      disabled: e.AUTH_DISABLED === 'true',
      allowedOrigins:
        e.ALLOWED_ORIGINS?.split(',')
          .map((o) => o.trim())
          .filter(Boolean) ?? [],
    },
    events: {
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      leaseMs: e.POLLER_LEASE_MS,
      logSize: e.EVENT_LOG_SIZE,
      subscriberQueueSize: e.SUBSCRIBER_QUEUE_SIZE,
      presenceIntervalMs: e.PRESENCE_POLL_INTERVAL_MS,
      regions: eventHosts(e.AGORA_RTM_EVENT_HOSTS) ?? eventRegions(e.AGORA_RTM_EVENT_REGIONS),
    },
  };

  const noCredentials = CREDENTIAL_VARIABLES.every((name) => e[name] === undefined);
  if (e.AGORA_MODE === 'emulator' || (noCredentials && e.AGORA_MODE === undefined && e.NODE_ENV !== 'production')) {
    // Emulator mode is for development: introspection on unless turned off, and refusals explained.
    return { ...base, limits: { ...base.limits, introspection: e.INTROSPECTION !== 'false', explain: true }, agora: { mode: 'emulator' } };
  }
  // In production (or when AGORA_MODE=agora says so), missing credentials are a mistake, never a reason
  // to serve a fake Agora.
  if (noCredentials) {
    throw new ConfigError(
      `No Agora credentials are set (AGORA_APP_ID with AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET, or AGORA_APP_CERTIFICATE), and ${e.AGORA_MODE === 'agora' ? 'AGORA_MODE=agora' : 'NODE_ENV=production'} asks for Agora: set them, or AGORA_MODE=emulator to run the built-in emulator`,
    );
  }

  if (!e.AGORA_APP_ID) throw new ConfigError('AGORA_APP_ID is required when any Agora credential is set');
  const hasBasic = Boolean(e.AGORA_CUSTOMER_KEY && e.AGORA_CUSTOMER_SECRET);
  if (Boolean(e.AGORA_CUSTOMER_KEY) !== Boolean(e.AGORA_CUSTOMER_SECRET)) {
    throw new ConfigError('AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET go together: set both or neither');
  }
  const signalingAuth = e.AGORA_RTM_AUTH ?? (hasBasic ? 'basic' : 'token');
  let credentials: SignalingCredentials;
  if (signalingAuth === 'basic') {
    if (!hasBasic) throw new ConfigError('AGORA_RTM_AUTH=basic needs AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET');
    credentials = { kind: 'basic', customerKey: e.AGORA_CUSTOMER_KEY!, customerSecret: e.AGORA_CUSTOMER_SECRET! };
  } else {
    if (!e.AGORA_APP_CERTIFICATE) {
      throw new ConfigError('Signaling needs AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET (Basic auth) or AGORA_APP_CERTIFICATE (token auth)');
    }
    credentials = { kind: 'token', appId: e.AGORA_APP_ID, appCertificate: e.AGORA_APP_CERTIFICATE, serviceUid: e.AGORA_RTM_SERVICE_UID };
  }
  const agora: AgoraTarget = {
    mode: 'agora',
    appId: e.AGORA_APP_ID,
    signaling: { hosts: signalingHosts(e.AGORA_RTM_HOSTS, e.AGORA_REGION), credentials },
    chat: chatOptions(e),
  };
  if (!base.auth.disabled && !base.auth.jwtSecret && !base.auth.jwksUrl && base.auth.apiKeyHashes.length === 0) {
    throw new ConfigError(
      'Outside emulator mode the gateway needs a way to authenticate callers: AUTH_JWT_SECRET, AUTH_JWKS_URL or AUTH_API_KEY_HASHES (or AUTH_DISABLED=true, which lets anyone act as admin)',
    );
  }
  return { ...base, agora };
}
