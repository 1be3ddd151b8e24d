/**
 * The errors the Agora clients throw. Every upstream failure is an AgoraError carrying what a caller
 * needs to act: the service and operation, the HTTP status, Agora's own error code, the request id,
 * whether retrying could help and how long to wait. `fromResponse` is the one place a non-2xx answer
 * becomes an error class. Credentials are redacted when the error is built, so an error can be logged
 * or shown as it is.
 */

export type AgoraService = 'signaling' | 'chat';

/** What kind of failure this is, independent of transport; the GraphQL layer maps it to a public code. */
export type AgoraErrorKind =
  'invalid_input' | 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'gone' | 'rate_limited' | 'unavailable' | 'upstream';

export interface AgoraErrorInit {
  service: AgoraService;
  operation: string;
  message: string;
  status?: number | undefined;
  agoraCode?: string | undefined;
  requestId?: string | undefined;
  retryable?: boolean | undefined;
  retryAfterMs?: number | undefined;
  /** Agora's own description of the failure (`error_description`, `reason`, `message`). */
  detail?: string | undefined;
  body?: unknown;
  cause?: unknown;
}

const SECRET_KEY = /token|secret|password|certificate|authorization|credential/i;
// 006 tokens embed the app id then base64; 007 tokens are base64 of a deflate stream.
const TOKEN_TEXT = /\b00[67][A-Za-z0-9+/=]{16,}/g;
const BASIC_TEXT = /\bBasic\s+[A-Za-z0-9+/=]{8,}/gi;
const BEARER_TEXT = /\bBearer\s+[A-Za-z0-9+/=._-]{8,}/gi;

/** Removes anything that looks like a credential from text. */
export function redactText(text: string): string {
  return text.replace(TOKEN_TEXT, '[redacted token]').replace(BASIC_TEXT, 'Basic [redacted]').replace(BEARER_TEXT, 'Bearer [redacted]');
}

/** Deep-copies a JSON-like value with credential-looking keys and strings redacted. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

export abstract class AgoraError extends Error {
  abstract readonly kind: AgoraErrorKind;
  readonly service: AgoraService;
  readonly operation: string;
  readonly status: number | undefined;
  readonly agoraCode: string | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** Agora's own description of the failure, redacted, when it gave one. */
  readonly detail: string | undefined;
  /** The upstream response body, with credentials redacted. */
  readonly body: unknown;

  constructor(init: AgoraErrorInit) {
    super(redactText(init.message), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.service = init.service;
    this.operation = init.operation;
    this.status = init.status;
    this.agoraCode = init.agoraCode;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail === undefined ? undefined : redactText(init.detail);
    this.body = redact(init.body);
  }
}

/** Input refused before any upstream call: which field, and why. */
export interface InputIssue {
  field: string;
  message: string;
  /** For `(input)`: the bare value that was refused. */
  value?: unknown;
}

export class AgoraInputError extends AgoraError {
  readonly kind = 'invalid_input';
  readonly issues: InputIssue[];
  constructor(init: Omit<AgoraErrorInit, 'message'> & { issues: InputIssue[] }) {
    const first = init.issues[0];
    super({
      ...init,
      message: first ? `Invalid ${first.field}: ${first.message}` : 'Invalid input',
    });
    this.issues = init.issues;
  }
}

/** 400, 405, 413, 415: Agora refused the request as malformed. */
export class AgoraBadRequestError extends AgoraError {
  readonly kind = 'bad_request';
}
/** 401: the gateway's credentials or token were refused. */
export class AgoraAuthenticationError extends AgoraError {
  readonly kind = 'unauthorized';
}
/** 403: the operation is not allowed (not a member, limits of the plan...). */
export class AgoraForbiddenError extends AgoraError {
  readonly kind = 'forbidden';
}
/** 404: the user, group, room or message does not exist. */
export class AgoraNotFoundError extends AgoraError {
  readonly kind = 'not_found';
}
/** 410: the resource existed and has expired (a history query handle). */
export class AgoraGoneError extends AgoraError {
  readonly kind = 'gone';
}
/**
 * 429 from Agora, or a local rate budget that could not be granted in time (`source: 'budget'`).
 * `retryAfterMs` says when trying again is likely to succeed.
 */
export class AgoraRateLimitedError extends AgoraError {
  readonly kind = 'rate_limited';
  readonly source: 'upstream' | 'budget';
  constructor(init: AgoraErrorInit & { source: 'upstream' | 'budget' }) {
    super({ ...init, retryable: true });
    this.source = init.source;
  }
}
/** 5xx or 408 from Agora. */
export class AgoraServerError extends AgoraError {
  readonly kind = 'unavailable';
}
/**
 * Agora could not be reached, or kept failing after every retry and failover host. For a send,
 * `maybeDelivered` says the request may have been processed before the failure, so it was not replayed.
 */
export class AgoraUnavailableError extends AgoraError {
  readonly kind = 'unavailable';
  readonly maybeDelivered: boolean;
  /**
   * A destructive read (Signaling's event feeds) failed after Agora may have answered: the events of
   * that answer are gone from Agora and never reached us. The event poller counts these.
   */
  readonly eventsMayBeLost: boolean;
  constructor(init: AgoraErrorInit & { maybeDelivered: boolean; eventsMayBeLost?: boolean }) {
    super(init);
    this.maybeDelivered = init.maybeDelivered;
    this.eventsMayBeLost = init.eventsMayBeLost ?? false;
  }
}
/** A 2xx answer whose body does not match the documented shape: contract drift, logged loudly. */
export class AgoraResponseShapeError extends AgoraError {
  readonly kind = 'upstream';
}
/** Any other upstream answer the client does not model. */
export class AgoraUnexpectedStatusError extends AgoraError {
  readonly kind = 'upstream';
}

const RETRY_AFTER_MAX_MS = 24 * 3600 * 1000;

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, RETRY_AFTER_MAX_MS);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), RETRY_AFTER_MAX_MS);
}

const pickString = (body: unknown, ...keys: string[]): string | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  for (const key of keys) {
    const v = (body as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
};

export interface ResponseMeta {
  service: AgoraService;
  operation: string;
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** The request id Agora gave the call: in the body for Signaling, in a header elsewhere. */
export function requestIdOf(body: unknown, headers: ResponseMeta['headers']): string | undefined {
  const header = headers['x-request-id'];
  return pickString(body, 'request_id', 'requestId') ?? (Array.isArray(header) ? header[0] : header);
}

/**
 * Maps a non-2xx Agora answer to its error class. Chat bodies carry `error` and `error_description`;
 * Signaling bodies carry `result`, `request_id` and a `reason` or `message`.
 */
export function fromResponse(meta: ResponseMeta): AgoraError {
  const { service, operation, status, body, headers } = meta;
  const agoraCode = pickString(body, 'error', 'code', 'exception');
  const detail = pickString(body, 'error_description', 'reason', 'message', 'error');
  const init: AgoraErrorInit = {
    service,
    operation,
    status,
    agoraCode,
    requestId: requestIdOf(body, headers),
    detail,
    body,
    message: `Agora ${service} ${operation} answered ${status}${detail ? `: ${detail}` : ''}`,
  };
  if (status === 429) {
    return new AgoraRateLimitedError({ ...init, source: 'upstream', retryAfterMs: parseRetryAfter(headers['retry-after']) });
  }
  if (status === 401) return new AgoraAuthenticationError(init);
  if (status === 403) return new AgoraForbiddenError(init);
  if (status === 404) return new AgoraNotFoundError(init);
  if (status === 410) return new AgoraGoneError(init);
  if (status === 408 || status >= 500) return new AgoraServerError({ ...init, retryable: true });
  if (status >= 400) return new AgoraBadRequestError(init);
  return new AgoraUnexpectedStatusError(init);
}

/** What a Chat call answers on a gateway configured without Agora Chat. */
export const chatNotConfigured = () =>
  new AgoraUnavailableError({
    service: 'chat',
    operation: 'chat',
    maybeDelivered: false,
    message: 'Agora Chat is not configured on this gateway: set AGORA_CHAT_HOST and AGORA_CHAT_APP_KEY',
  });
