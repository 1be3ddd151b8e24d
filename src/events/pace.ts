/**
 * The pace of a background reader that spends a share of one Agora rate budget: the event poller
 * (Signaling's 10 event reads a second) and the presence watcher (Chat's 50 presence reads a second).
 *
 * A round of `calls` reads starts `gapMs(calls)` after the previous one started: as soon as the share
 * of the budget allows, never sooner than the floor (an interval operators may raise), at `idleMs` at
 * the soonest while nobody listens, and later after Agora answered 429 (the gap doubles, and halves
 * again with each round that had none). The budget itself (src/agora/budgets.ts) still grants every
 * call; the pace keeps the reader from queueing on it, so that what else uses the budget finds room.
 */
import { DEFAULT_PADDING_MS } from '../agora/budgets.ts';
import type { RateLimit } from '../agora/limits.ts';

/** The longest a run of 429 answers stretches the gap between rounds. */
const MAX_BACKOFF_MS = 10_000;

export interface PaceOptions {
  budget: RateLimit;
  /** The share of the budget the reader's rounds spend; the rest is left to other callers and retries. */
  share: number;
  /** The least time between the starts of two rounds. */
  floorMs: number;
  /** The least time between rounds while nobody listens. */
  idleMs?: number;
}

export interface Pace {
  gapMs(calls: number, idle?: boolean): number;
  /** One of this round's reads was answered 429 by Agora itself. */
  limited(calls: number): void;
  /** The round is over: one without a 429 halves what earlier ones added. */
  roundEnded(): void;
}

export function createPace(options: PaceOptions): Pace {
  const { budget, share, floorMs, idleMs = 0 } = options;
  // The budget's window is padded against arrival jitter: its pace is a little under `limit` a window.
  const callsPerSecond = (budget.limit * 1000) / (budget.windowMs + DEFAULT_PADDING_MS);
  let backoffMs = 0;
  let limitedThisRound = false;
  const gapMs = (calls: number, idle = false) => {
    const paced = Math.max(floorMs, Math.ceil((calls * 1000) / (callsPerSecond * share)));
    return Math.max(idle ? Math.max(paced, idleMs) : paced, backoffMs);
  };
  return {
    gapMs,
    limited(calls) {
      limitedThisRound = true;
      backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(2 * backoffMs, 2 * gapMs(calls)));
    },
    roundEnded() {
      if (!limitedThisRound) backoffMs = backoffMs < 100 ? 0 : backoffMs / 2;
      limitedThisRound = false;
    },
  };
}
