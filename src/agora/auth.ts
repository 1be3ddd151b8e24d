/**
 * Credentials for upstream calls. A RequestAuth gives the headers of one call and, where the credential
 * can be renewed (tokens), a way to renew it after Agora answers 401.
 */
import { buildChatAppToken, buildRtmToken } from './access-token.ts';

export interface RequestAuth {
  /** The call's credential headers: at once while the credential is fresh (every call asks), or once renewed. */
  headers(): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
  /** Renews the credential; the HTTP layer calls it once after a 401 and retries once. */
  refresh?(): Promise<void>;
}

export interface RefreshingToken {
  /** The current token; mints a new one when none is cached or it is near expiry. Single flight. */
  get(): Promise<string>;
  /** The cached token while it needs no renewal, else undefined (then `get()`). */
  fresh(): string | undefined;
  /** Drops the cached token so that the next get() mints a new one. */
  invalidate(): void;
}

export interface MintedToken {
  value: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Caches a token and renews it when a share (`refreshAt`, default one half) of its lifetime has passed,
 * as Agora's own server SDK does. Concurrent callers during a renewal share one mint.
 */
export function createRefreshingToken(mint: () => Promise<MintedToken>, options: { refreshAt?: number; now?: () => number } = {}): RefreshingToken {
  const refreshAt = options.refreshAt ?? 0.5;
  const now = options.now ?? Date.now;
  let current: { token: MintedToken; renewAfter: number } | undefined;
  let inflight: Promise<string> | undefined;

  const fresh = () => (current && now() < current.renewAfter ? current.token.value : undefined);
  const renew = (): Promise<string> => {
    inflight ??= (async () => {
      try {
        const issuedAt = now();
        const token = await mint();
        current = { token, renewAfter: issuedAt + (token.expiresAt - issuedAt) * refreshAt };
        return token.value;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  return {
    get: () => Promise.resolve(fresh() ?? renew()),
    fresh,
    invalidate() {
      current = undefined;
    },
  };
}

export type SignalingCredentials =
  | { kind: 'basic'; customerKey: string; customerSecret: string }
  | {
      kind: 'token';
      appId: string;
      appCertificate: string;
      /** The uid used for calls that are not made on behalf of a user (event reads, history). */
      serviceUid: string;
      tokenTtlSeconds?: number;
      /** How many senders' tokens are kept (least recently used go first); default 10,000. */
      maxCachedTokens?: number;
    };

export interface SignalingAuth {
  /** Auth for a call made as `uid` (a send); with token auth the token must be built for that uid. */
  forUser(uid: string): RequestAuth;
  /** Auth for calls not made as a user. */
  forService(): RequestAuth;
  /** How many senders' tokens are held now (bounded by `maxCachedTokens`). */
  cachedTokens(): number;
}

const basicHeader = (key: string, secret: string): string => `Basic ${Buffer.from(`${key}:${secret}`, 'utf8').toString('base64')}`;

/**
 * Signaling REST auth (seed 001): Basic auth with the customer key and secret sends as any uid;
 * token auth (`x-agora-token`, `x-agora-uid`) sends only as the uid the token was built for, so the
 * gateway mints an RTM token per sender from the app certificate and caches it.
 */
export function createSignalingAuth(credentials: SignalingCredentials): SignalingAuth {
  if (credentials.kind === 'basic') {
    const headers = { authorization: basicHeader(credentials.customerKey, credentials.customerSecret) };
    const auth: RequestAuth = { headers: () => headers };
    return { forUser: () => auth, forService: () => auth, cachedTokens: () => 0 };
  }
  const ttl = credentials.tokenTtlSeconds ?? 3600;
  // One token per sender: bounded, so that senders coming and going cannot grow it without end. A Map
  // keeps insertion order; a token used again moves to the end, and the first is the least recent.
  const maxTokens = credentials.maxCachedTokens ?? 10_000;
  const tokens = new Map<string, RefreshingToken>();
  const tokenFor = (uid: string): RefreshingToken => {
    let token = tokens.get(uid);
    if (token) {
      tokens.delete(uid);
      tokens.set(uid, token);
    } else {
      if (tokens.size >= maxTokens) tokens.delete(tokens.keys().next().value!);
      token = createRefreshingToken(async () => ({
        value: buildRtmToken({
          appId: credentials.appId,
          appCertificate: credentials.appCertificate,
          userId: uid,
          expireSeconds: ttl,
        }),
        expiresAt: Date.now() + ttl * 1000,
      }));
      tokens.set(uid, token);
    }
    return token;
  };
  const forUser = (uid: string): RequestAuth => ({
    headers: () => tokenHeaders(tokenFor(uid), (value) => ({ 'x-agora-token': value, 'x-agora-uid': uid })),
    refresh: async () => tokenFor(uid).invalidate(),
  });
  return { forUser, forService: () => forUser(credentials.serviceUid), cachedTokens: () => tokens.size };
}

/** Per token, the headers of its current value: made when the value changes, not for every call. */
const madeHeaders = new WeakMap<RefreshingToken, { value: string; headers: Readonly<Record<string, string>> }>();

const bearer = (value: string): Readonly<Record<string, string>> => ({ authorization: `Bearer ${value}` });

function headersOf(token: RefreshingToken, value: string, build: (value: string) => Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const made = madeHeaders.get(token);
  if (made?.value === value) return made.headers;
  const headers = build(value);
  madeHeaders.set(token, { value, headers });
  return headers;
}

/** A token's headers: at once while it is fresh, else once it is renewed. */
function tokenHeaders(
  token: RefreshingToken,
  build: (value: string) => Readonly<Record<string, string>>,
): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>> {
  const value = token.fresh();
  return value !== undefined ? headersOf(token, value, build) : token.get().then((renewed) => headersOf(token, renewed, build));
}

/**
 * Agora Chat REST auth: `Authorization: Bearer <app token>`, an AccessToken2 Chat app token minted from
 * the app id and certificate (at most 24 h), renewed at half its life and after a 401.
 */
export function createChatAppAuth(opts: { appId: string; appCertificate: string; ttlSeconds?: number }): RequestAuth {
  const ttl = Math.min(opts.ttlSeconds ?? 24 * 3600, 24 * 3600);
  const token = createRefreshingToken(async () => ({
    value: buildChatAppToken({ appId: opts.appId, appCertificate: opts.appCertificate, expireSeconds: ttl }),
    expiresAt: Date.now() + ttl * 1000,
  }));
  return {
    headers: () => tokenHeaders(token, bearer),
    refresh: async () => token.invalidate(),
  };
}
