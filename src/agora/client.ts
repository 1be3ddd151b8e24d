/**
 * AgoraClient: the one object the rest of the code holds to talk to Agora. It owns the HTTP layer
 * (pools, budgets, retries) and the service clients built on it; `close()` releases every connection.
 */
import type { LookupFunction } from 'node:net';
import { createChatAppAuth, createSignalingAuth, type SignalingCredentials } from './auth.ts';
import { createChatClient, type ChatClient } from './chat/client.ts';
import type { CallOptions, ServiceContext } from './endpoint.ts';
import type { RequestAuth } from './auth.ts';
import { lazyKind } from '../lib/lazy.ts';
import { createRateBudgets, type BudgetStore, type RateBudgets } from './budgets.ts';
import { hostPlanFromList, type HostPlan } from './hosts.ts';
import { createAgoraHttp, type AgoraHttp, type AttemptInfo, type DispatcherFactory, type HttpTimeouts, type RetryInfo } from './http.ts';
import { BACKGROUND_ONLY_BUDGETS, RATE_LIMITS, SIGNALING_LIMITS } from './limits.ts';
import { scaledSchedule, SEED_SCHEDULE } from './retry-policy.ts';
import { createSignalingClient, type SignalingClient } from './signaling/client.ts';

export interface AgoraClientOptions {
  appId: string;
  signaling: {
    hosts: HostPlan;
    credentials: SignalingCredentials;
  };
  /** Agora Chat; absent when not configured. */
  chat?: ChatOptions | undefined;
  /** One retry "second" in milliseconds: 1000 in production (seed 000's 1 s, 3 s, 6 s); tests use a few. */
  retryUnitMs?: number;
  timeouts?: Partial<HttpTimeouts>;
  budget?: { store?: BudgetStore; maxWaitMs?: number; paddingMs?: number };
  lookup?: LookupFunction;
  dispatcherFactory?: DispatcherFactory;
  onAttempt?: (info: AttemptInfo) => void;
  onRetry?: (info: RetryInfo) => void;
}

export interface ChatOptions {
  /** The REST host of the Chat project, e.g. https://a41.chat.agora.io (Console: Chat > Config). */
  host: string;
  orgName: string;
  appName: string;
  /** Chat app tokens are minted from the app id and this certificate. */
  appCertificate: string;
  tokenTtlSeconds?: number;
}

export interface AgoraClient {
  signaling: SignalingClient;
  /** Undefined when Agora Chat is not configured. */
  chat: ChatClient | undefined;
  http: AgoraHttp;
  /** The rate budgets every call goes through (their stats feed /metrics). */
  budgets: RateBudgets;
  /**
   * The same client (connections, budgets, credentials) with `binding` applied to every call: what a
   * GraphQL request's resolvers hold, so none can forget the request's abort signal or cost ledger.
   */
  bind(binding: CallOptions): AgoraClient;
  close(): Promise<void>;
}

/** Chat has one REST host (no documented failover) under /{org}/{app}, and authenticates with an app token. */
function chatContext(http: AgoraHttp, chat: ChatOptions, appAuth: RequestAuth): ServiceContext {
  return {
    http,
    upstream: {
      service: 'chat',
      hosts: hostPlanFromList([chat.host]),
      basePath: `/${encodeURIComponent(chat.orgName)}/${encodeURIComponent(chat.appName)}`,
    },
    auth: () => appAuth,
  };
}

export function createAgoraClient(options: AgoraClientOptions): AgoraClient {
  const unit = options.retryUnitMs ?? 1000;
  const budgets = createRateBudgets({
    limits: RATE_LIMITS,
    backgroundOnly: BACKGROUND_ONLY_BUDGETS,
    keyPrefix: options.appId,
    ...options.budget,
  });
  const http = createAgoraHttp({
    budgets,
    schedule: unit === 1000 ? SEED_SCHEDULE : scaledSchedule(unit),
    timeouts: options.timeouts,
    lookup: options.lookup,
    dispatcherFactory: options.dispatcherFactory,
    onAttempt: options.onAttempt,
    onRetry: options.onRetry,
  });
  const signalingAuth = createSignalingAuth(options.signaling.credentials);
  const chatOptions = options.chat;
  const chatAuth =
    chatOptions && createChatAppAuth({ appId: options.appId, appCertificate: chatOptions.appCertificate, ttlSeconds: chatOptions.tokenTtlSeconds });

  const signaling = createSignalingClient({
    http,
    upstream: { service: 'signaling', hosts: options.signaling.hosts, basePath: `/dev/v2/project/${encodeURIComponent(options.appId)}` },
    auth: (user) => (user === undefined ? signalingAuth.forService() : signalingAuth.forUser(user)),
    historyPollIntervalMs: (SIGNALING_LIMITS.historyPollIntervalMs / 1000) * unit,
  });
  const chat = chatOptions && chatAuth ? createChatClient(chatContext(http, chatOptions, chatAuth)) : undefined;
  // Building the service clients takes milliseconds (their zod schemas); binding only wraps their
  // methods, and only those of the services and namespaces a request reads. A bound client is an object
  // of a lazy kind declared here once (src/lib/lazy.ts), and so is each bound namespace (bindingsOf):
  // making one, per request and per subscription, is one allocation.
  const boundChat =
    chat &&
    lazyKind<ChatClient, CallOptions>(
      Object.fromEntries(Object.entries(chat).map(([name, service]) => [name, bindingsOf(service as object)])) as {
        [K in keyof ChatClient]: (binding: CallOptions) => ChatClient[K];
      },
    );
  const boundSignaling = bindingsOf(signaling);
  const bound = lazyKind<AgoraClient, CallOptions>({
    signaling: boundSignaling,
    chat: (binding) => boundChat?.(binding),
    http: () => http,
    budgets: () => budgets,
    bind: () => client.bind,
    close: () => client.close,
  });
  const client: AgoraClient = { signaling, chat, http, budgets, bind: bound, close: () => http.close() };
  return client;
}

type Method = (input?: unknown, opts?: CallOptions) => unknown;

/**
 * The bound form of `service`: every method called with a binding under its own call options. A lazy
 * kind (src/lib/lazy.ts) declared once per service, so that binding a namespace for a request is one
 * allocation and each method it calls one closure more, made on first use (a resolver may hold a method
 * apart from its namespace: `(disabled ? groups.disable : groups.enable)(id)`).
 */
function bindingsOf<T extends object>(service: T): (binding: CallOptions) => T {
  const makers = Object.fromEntries(
    Object.entries(service).map(([name, value]) => [
      name,
      typeof value === 'function'
        ? (binding: CallOptions) => (input?: unknown, opts?: CallOptions) => (value as Method)(input, opts ? { ...binding, ...opts } : binding)
        : () => value as unknown,
    ]),
  );
  return lazyKind<T, CallOptions>(makers as { [K in keyof T]: (binding: CallOptions) => T[K] });
}
