/**
 * Whether and where to retry a failed upstream attempt: a pure function, table-tested.
 *
 * Follows seed 000: retry the primary domain, then the alternate domain, then the adjacent regional
 * domain, waiting 1 s, 3 s and 6 s before the three retries; a network failure that is not a DNS failure
 * skips the alternate domain. The wait is scaled by the configured schedule so tests run in milliseconds.
 */
import type { HostPlan, HostRole } from './hosts.ts';

/** How a call may be repeated. */
export type Replay =
  /** A read with no side effect: retry on any transient failure. */
  | 'idempotent'
  /** A send: never repeat once the request may have reached Agora. */
  | 'once'
  /** A read that removes what it returns (event feeds): repeating it after a response may exist loses a batch. */
  | 'destructive';

export type Failure =
  /** Name resolution failed; nothing was sent. */
  | { kind: 'dns' }
  /** The connection could not be opened; nothing was sent. */
  | { kind: 'connect' }
  /** The connection failed after the request may have been written (reset, closed, timed out). */
  | { kind: 'network' }
  /** Agora answered with a status that is not success. */
  | { kind: 'status'; status: number; retryAfterMs?: number | undefined };

export interface RetrySchedule {
  /** Waits before the 1st, 2nd and 3rd retry; seed 000 says 1 s, 3 s, 6 s. */
  delaysMs: readonly number[];
  /** Up to this fraction is added to each wait so that many gateways do not retry in step. */
  jitterRatio: number;
  /** A Retry-After longer than this is not waited for; the caller gets the rate-limit error instead. */
  maxRetryAfterMs: number;
}

export const SEED_SCHEDULE: RetrySchedule = { delaysMs: [1000, 3000, 6000], jitterRatio: 0.1, maxRetryAfterMs: 10_000 };

/** A schedule whose waits are `unitMs` instead of a second (tests use a few milliseconds). */
export function scaledSchedule(unitMs: number, base: RetrySchedule = SEED_SCHEDULE): RetrySchedule {
  return { ...base, delaysMs: base.delaysMs.map((d) => (d / 1000) * unitMs) };
}

export interface RetryInput {
  replay: Replay;
  failure: Failure;
  /** Attempts made so far, including the one that just failed (1 after the first failure). */
  attempt: number;
  /** The host the failed attempt went to. */
  host: HostRole;
  hosts: HostPlan;
  schedule: RetrySchedule;
  /** A number in [0, 1) for jitter; pass 0 for an exact schedule. */
  random: number;
}

export type RetryDecision = { retry: true; host: HostRole; delayMs: number; why: string } | { retry: false; why: string; maybeProcessed: boolean };

/** Statuses after which Agora has not acted on the request. */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);
/** Statuses after which Agora may have acted on the request before failing. */
const MAYBE_PROCESSED_STATUSES = new Set([408, 500, 502, 504]);

function nothingSent(failure: Failure): boolean {
  return failure.kind === 'dns' || failure.kind === 'connect' || (failure.kind === 'status' && NOT_PROCESSED_STATUSES.has(failure.status));
}

function maybeProcessed(failure: Failure): boolean {
  return failure.kind === 'network' || (failure.kind === 'status' && MAYBE_PROCESSED_STATUSES.has(failure.status));
}

/** The host of the next retry in seed 000's order, or undefined when the order is exhausted. */
function nextHost(input: RetryInput): HostRole | undefined {
  const { attempt, host, hosts, failure } = input;
  const hasFailover = hosts.alternate !== undefined || hosts.regional !== undefined;
  const retries = input.schedule.delaysMs.length;
  if (attempt > retries) return undefined;
  if (!hasFailover) return 'primary';
  if (attempt === 1) return 'primary';
  if (host === 'primary') {
    // A network failure that is not DNS says the route is down, not the name: try another region.
    const skipAlternate = failure.kind === 'network' || failure.kind === 'connect' || !hosts.alternate;
    return skipAlternate ? (hosts.regional ? 'regional' : undefined) : 'alternate';
  }
  if (host === 'alternate') return hosts.regional ? 'regional' : undefined;
  return undefined;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { failure, replay, schedule } = input;

  if (failure.kind === 'status' && !NOT_PROCESSED_STATUSES.has(failure.status) && !MAYBE_PROCESSED_STATUSES.has(failure.status)) {
    return { retry: false, why: `status ${failure.status} will not change on retry`, maybeProcessed: false };
  }
  if (!nothingSent(failure) && replay !== 'idempotent') {
    return {
      retry: false,
      why:
        replay === 'once'
          ? 'the send may already have been processed; replaying it could deliver twice'
          : 'the destructive read may already have returned its events; replaying it could skip them',
      maybeProcessed: maybeProcessed(failure),
    };
  }

  if (failure.kind === 'status' && failure.status === 429) {
    // Rate limiting is not a host failure: wait as told on the same host.
    if (input.attempt > schedule.delaysMs.length) {
      return { retry: false, why: 'still rate limited after every retry', maybeProcessed: false };
    }
    const wait = failure.retryAfterMs ?? schedule.delaysMs[input.attempt - 1] ?? 0;
    if (wait > schedule.maxRetryAfterMs) {
      return { retry: false, why: 'Retry-After is longer than the gateway waits', maybeProcessed: false };
    }
    return { retry: true, host: input.host, delayMs: wait, why: 'rate limited; waiting as Retry-After says' };
  }

  const host = nextHost(input);
  if (!host) return { retry: false, why: 'every retry and failover host was tried', maybeProcessed: maybeProcessed(failure) };
  const base = schedule.delaysMs[input.attempt - 1] ?? 0;
  const delayMs = Math.round(base * (1 + schedule.jitterRatio * input.random));
  return { retry: true, host, delayMs, why: `${failure.kind} failure; seed 000 retries on the ${host} host next` };
}
