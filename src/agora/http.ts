/**
 * AgoraHttp: the one door every upstream call goes through, and the only module that imports undici.
 *
 * For each call it: takes a slot of the endpoint's rate budget, adds the auth headers, sends on a
 * keep-alive undici Pool for the host (explicit connect, headers and body timeouts), parses a 2xx body
 * with the endpoint's zod schema, maps anything else to an AgoraError, and retries and fails over as
 * `decideRetry` (seed 000) says. The caller's AbortSignal cancels the call, including a back-off wait.
 *
 * Guarantees:
 * - A send (`replay: 'once'`) is never repeated once the request may have reached Agora; the caller gets
 *   AgoraUnavailableError with `maybeDelivered: true`.
 * - A destructive read is never repeated once a response may exist; such a possible loss is counted in
 *   `stats().possiblyLostReads` and the caller gets AgoraUnavailableError with `eventsMayBeLost: true`.
 * - A 401 renews the credential once and retries once, when the credential can be renewed.
 * - A 2xx body that does not match its schema is AgoraResponseShapeError naming the operation.
 */
import { randomBytes } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Pool, type Dispatcher } from 'undici';
import { z } from 'zod';
import { sleep } from '../lib/sleep.ts';
import type { RequestAuth } from './auth.ts';
import type { CallLedger } from './call-ledger.ts';
import type { Priority, RateBudgets, ReleaseSlot } from './budgets.ts';
import { AgoraError, AgoraResponseShapeError, AgoraUnavailableError, fromResponse, parseRetryAfter, requestIdOf, type AgoraService } from './errors.ts';
import { originFor, type HostPlan, type HostRole } from './hosts.ts';
import { decideRetry, SEED_SCHEDULE, type Failure, type Replay, type RetrySchedule } from './retry-policy.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where one service's calls go. */
export interface Upstream {
  service: AgoraService;
  hosts: HostPlan;
  /** Path prefix on every host, e.g. `/dev/v2/project/<appid>` or `/<org>/<app>`. */
  basePath: string;
}

export interface AgoraRequest<T> {
  upstream: Upstream;
  /** A stable name for logs, errors and metrics, e.g. `signaling.sendPeerMessage`. */
  operation: string;
  /** The rate budget class(es) the call counts against; a slot of each is taken before every attempt. */
  budget: string | readonly string[];
  method: HttpMethod;
  /** Path below `basePath`; path parameters already encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined> | undefined;
  json?: unknown;
  form?: Record<string, string> | undefined;
  multipart?: MultipartPart[] | undefined;
  /** Extra request headers (Agora's `restrict-access`, `share-secret`, `thumbnail`). */
  headers?: Record<string, string> | undefined;
  auth: RequestAuth;
  /** `bytes`: the 2xx answer is binary (a file) and is given to `response` as a Buffer. */
  expect?: 'json' | 'bytes' | undefined;
  response: z.ZodType<T>;
  replay: Replay;
  priority?: Priority | undefined;
  signal?: AbortSignal | undefined;
  /** Counts every attempt of the call (a GraphQL operation's `extensions.cost.actual`). */
  ledger?: CallLedger | undefined;
  /** Statuses other than 2xx whose body is a successful answer (none by default). */
  successStatuses?: readonly number[];
}

/** One part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  value: string | Buffer;
  filename?: string | undefined;
  contentType?: string | undefined;
}

export interface AgoraResponse<T> {
  data: T;
  status: number;
  requestId: string | undefined;
  origin: string;
  attempts: number;
}

export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  bodyMs: number;
}

export interface AttemptInfo {
  operation: string;
  /** The budgets' priority it was made at: `background` for the poller, watchers and live queries' re-executions. */
  priority: Priority;
  origin: string;
  attempt: number;
  status?: number | undefined;
  failure?: Failure['kind'] | undefined;
  durationMs: number;
}

/** Builds the dispatcher of one origin from the pool defaults (timeouts, keep-alive, lookup). */
export type DispatcherFactory = (origin: string, defaults: Pool.Options) => Dispatcher;

export interface AgoraHttpOptions {
  budgets: RateBudgets;
  schedule?: RetrySchedule;
  timeouts?: Partial<HttpTimeouts>;
  /** Connections per host. */
  connections?: number;
  /** Builds the dispatcher of one origin; tests and proxies inject their own. */
  dispatcherFactory?: DispatcherFactory;
  /** Name resolution for upstream hosts (tests map test host names without touching a DNS server). */
  lookup?: LookupFunction;
  random?: () => number;
  onAttempt?: (info: AttemptInfo) => void;
  /** Before each retry's wait: which host is next, how long the wait is, and why (metrics, tests). */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  operation: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  host: HostRole;
  /** The retry goes to another host than the attempt that failed. */
  failover: boolean;
  delayMs: number;
  why: string;
}

export interface AgoraHttpStats {
  requests: number;
  attempts: number;
  retries: number;
  failovers: number;
  possiblyLostReads: number;
  maybeDeliveredSends: number;
}

export interface AgoraHttp {
  request<T>(req: AgoraRequest<T>): Promise<AgoraResponse<T>>;
  /**
   * GETs a pre-signed URL Agora handed out (a history file): no credentials, no budget, retried as an
   * idempotent read on its own host.
   */
  download(url: string, opts: { operation: string; signal?: AbortSignal | undefined; ledger?: CallLedger | undefined }): Promise<Buffer>;
  stats(): AgoraHttpStats;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000 };

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_REQ_RETRY') {
      // undici wraps socket errors; the cause's code says what happened on the wire.
      const cause = (e as { cause?: unknown }).cause;
      const inner = cause && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
      return typeof inner === 'string' && (DNS_CODES.has(inner) || CONNECT_CODES.has(inner)) ? inner : code;
    }
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a transport error by its code: was anything sent? */
export function classifyNetworkError(error: unknown): Failure {
  const code = errorCode(error);
  if (code && DNS_CODES.has(code)) return { kind: 'dns' };
  if (code && CONNECT_CODES.has(code)) return { kind: 'connect' };
  return { kind: 'network' };
}

function buildPath(upstream: Upstream, path: string, query: AgoraRequest<unknown>['query']): string {
  if (!query) return `${upstream.basePath}${path}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return `${upstream.basePath}${path}${qs ? `?${qs}` : ''}`;
}

function encodeMultipart(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----agora-graphql-${randomBytes(12).toString('hex')}`;
  const quote = (s: string) => s.replace(/["\r\n]/g, '_');
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${quote(part.name)}"${part.filename === undefined ? '' : `; filename="${quote(part.filename)}"`}`;
    const type = part.contentType ? `\r\ncontent-type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}${type}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function encodeBody(req: AgoraRequest<unknown>): { body?: string | Buffer; contentType?: string } {
  if (req.multipart) return encodeMultipart(req.multipart);
  if (req.form) return { body: new URLSearchParams(req.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json;charset=utf-8' };
  return {};
}

const NO_HEADERS = {};
const NO_AUTH: RequestAuth = { headers: () => NO_HEADERS };
const BYTES = z.instanceof(Buffer);

const isClientError = (failure: Failure): boolean => failure.kind === 'status' && failure.status >= 400 && failure.status < 500 && failure.status !== 408;

const parseJson = (text: string): unknown => {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export function createAgoraHttp(options: AgoraHttpOptions): AgoraHttp {
  const schedule = options.schedule ?? SEED_SCHEDULE;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const random = options.random ?? Math.random;
  const dispatchers = new Map<string, Dispatcher>();
  const stats: AgoraHttpStats = {
    requests: 0,
    attempts: 0,
    retries: 0,
    failovers: 0,
    possiblyLostReads: 0,
    maybeDeliveredSends: 0,
  };

  const poolDefaults: Pool.Options = {
    connections: options.connections ?? 64,
    keepAliveTimeout: 30_000,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    connect: { timeout: timeouts.connectMs, lookup: options.lookup ?? dnsLookup },
  };

  const dispatcherFor = (origin: string): Dispatcher => {
    let d = dispatchers.get(origin);
    if (!d) {
      d = options.dispatcherFactory?.(origin, poolDefaults) ?? new Pool(origin, poolDefaults);
      dispatchers.set(origin, d);
    }
    return d;
  };

  async function attempt<T>(
    req: AgoraRequest<T>,
    origin: string,
    /** Called once Agora's answer began to arrive (or the call failed): Agora has counted it by then. */
    answered: () => void,
  ): Promise<{ ok: true; response: AgoraResponse<T> } | { ok: false; failure: Failure; error: AgoraError | unknown }> {
    const { body, contentType } = encodeBody(req);
    const credential = req.auth.headers();
    const headers: Record<string, string> = {
      accept: req.expect === 'bytes' ? 'application/octet-stream' : 'application/json',
      ...(contentType ? { 'content-type': contentType } : {}),
      ...req.headers,
      ...(credential instanceof Promise ? await credential : credential),
    };
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcherFor(origin).request({
        origin,
        path: buildPath(req.upstream, req.path, req.query),
        method: req.method,
        headers,
        body: body ?? null,
        signal: req.signal,
      });
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      return { ok: false, failure: classifyNetworkError(error), error };
    } finally {
      answered();
    }
    const ok = (res.statusCode >= 200 && res.statusCode < 300) || req.successStatuses?.includes(res.statusCode);
    // A file is kept as bytes; anything else (an error's body too) is read as text once and parsed.
    let parsedBody: unknown;
    try {
      parsedBody = ok && req.expect === 'bytes' ? Buffer.from(await res.body.arrayBuffer()) : parseJson(await res.body.text());
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      return { ok: false, failure: { kind: 'network' }, error };
    }
    if (ok) {
      const parsed = req.response.safeParse(parsedBody);
      if (!parsed.success) {
        throw new AgoraResponseShapeError({
          service: req.upstream.service,
          operation: req.operation,
          status: res.statusCode,
          requestId: requestIdOf(parsedBody, res.headers),
          body: parsedBody,
          message: `Agora ${req.upstream.service} ${req.operation} answered ${res.statusCode} with a body that does not match the documented shape: ${parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join('.') || '(root)'} ${i.message}`)
            .join('; ')}`,
        });
      }
      return {
        ok: true,
        response: {
          data: parsed.data,
          status: res.statusCode,
          requestId: requestIdOf(req.expect === 'bytes' ? undefined : parsedBody, res.headers),
          origin,
          attempts: 0,
        },
      };
    }
    const error = fromResponse({
      service: req.upstream.service,
      operation: req.operation,
      status: res.statusCode,
      body: parsedBody,
      headers: res.headers,
    });
    return {
      ok: false,
      failure: { kind: 'status', status: res.statusCode, retryAfterMs: parseRetryAfter(res.headers['retry-after']) },
      error,
    };
  }

  function unavailable(req: AgoraRequest<unknown>, last: unknown, failure: Failure, maybeDelivered: boolean, why: string): AgoraError {
    const what =
      failure.kind === 'status'
        ? `answered ${failure.status}`
        : failure.kind === 'dns'
          ? 'could not be resolved'
          : failure.kind === 'connect'
            ? 'refused the connection'
            : 'dropped the connection';
    const delivery =
      req.replay === 'once' && maybeDelivered
        ? ' Delivery is unknown: the message may have been delivered, so it was not sent again.'
        : req.replay === 'destructive' && maybeDelivered
          ? ' Events that Agora returned in that response may be lost.'
          : '';
    return new AgoraUnavailableError({
      service: req.upstream.service,
      operation: req.operation,
      status: failure.kind === 'status' ? failure.status : undefined,
      agoraCode: last instanceof AgoraError ? last.agoraCode : undefined,
      requestId: last instanceof AgoraError ? last.requestId : undefined,
      retryable: !maybeDelivered,
      maybeDelivered: req.replay === 'once' && maybeDelivered,
      eventsMayBeLost: req.replay === 'destructive' && maybeDelivered,
      cause: last,
      message: `Agora ${req.upstream.service} ${req.operation} is unavailable: the upstream ${what} (${why}).${delivery}`,
    });
  }

  return {
    async request<T>(req: AgoraRequest<T>): Promise<AgoraResponse<T>> {
      stats.requests++;
      let host: HostRole = 'primary';
      let attempts = 0;
      let refreshed = false;
      const who = { service: req.upstream.service, operation: req.operation, priority: req.priority, signal: req.signal };
      for (;;) {
        const origin = originFor(req.upstream.hosts, host);
        const slots: ReleaseSlot[] = [];
        // Releasing is idempotent: once when Agora's answer begins to arrive, and again (a no-op) if the call failed before.
        const releaseSlots = () => {
          for (const release of slots) release();
        };
        let started = 0;
        let result: Awaited<ReturnType<typeof attempt<T>>>;
        try {
          if (typeof req.budget === 'string') slots.push(await options.budgets.acquire(req.budget, who));
          else for (const budget of req.budget) slots.push(await options.budgets.acquire(budget, who));
          attempts++;
          stats.attempts++;
          req.ledger?.record(req.operation);
          started = performance.now();
          // Agora saw the call, if at all, before its answer's first bytes came back: its slots stay in
          // the window from then, not from when the body was read and checked (which, on a busy event
          // loop, is later and would cost budget for nothing).
          result = await attempt(req, origin, releaseSlots);
        } finally {
          releaseSlots();
        }
        options.onAttempt?.({
          operation: req.operation,
          priority: req.priority ?? 'interactive',
          origin,
          attempt: attempts,
          status: result.ok ? result.response.status : result.failure.kind === 'status' ? result.failure.status : undefined,
          failure: result.ok ? undefined : result.failure.kind,
          durationMs: performance.now() - started,
        });
        if (result.ok) return { ...result.response, attempts };

        const { failure, error } = result;
        if (failure.kind === 'status' && failure.status === 401 && req.auth.refresh && !refreshed) {
          refreshed = true;
          await req.auth.refresh();
          continue;
        }
        const decision = decideRetry({
          replay: req.replay,
          failure,
          attempt: attempts,
          host,
          hosts: req.upstream.hosts,
          schedule,
          random: random(),
        });
        if (!decision.retry) {
          if (decision.maybeProcessed && req.replay === 'destructive') {
            stats.possiblyLostReads++;
          }
          if (decision.maybeProcessed && req.replay === 'once') stats.maybeDeliveredSends++;
          // Agora's 4xx answers say what is wrong with the call; they reach the caller as they are.
          if (isClientError(failure) && error instanceof AgoraError) throw error;
          throw unavailable(req, error, failure, decision.maybeProcessed, decision.why);
        }
        stats.retries++;
        const failover = decision.host !== host;
        if (failover) stats.failovers++;
        host = decision.host;
        options.onRetry?.({ operation: req.operation, attempt: attempts, host, failover, delayMs: decision.delayMs, why: decision.why });
        await sleep(decision.delayMs, req.signal);
      }
    },
    async download(url, opts) {
      const u = new URL(url);
      const res = await this.request({
        upstream: { service: 'chat', hosts: { primary: u.origin }, basePath: '' },
        operation: opts.operation,
        budget: [],
        method: 'GET',
        path: `${u.pathname}${u.search}`,
        auth: NO_AUTH,
        expect: 'bytes',
        response: BYTES,
        replay: 'idempotent',
        signal: opts.signal,
        ledger: opts.ledger,
      });
      return res.data;
    },
    stats: () => ({ ...stats }),
    async close() {
      await Promise.all([...dispatchers.values()].map((d) => d.close()));
      dispatchers.clear();
    },
  };
}
