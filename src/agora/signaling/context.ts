import type { ServiceContext } from '../endpoint.ts';

/** What every Signaling endpoint module shares. */
export interface SignalingContext extends ServiceContext {
  /** How long to wait between reads of a history query that is still in progress (2 s upstream). */
  historyPollIntervalMs: number;
}
