import type { RtmAuth } from '../auth.js';
import type { Priority } from '../budgets.js';
import type { AgoraHttp, Upstream } from '../http.js';

/** What every Signaling endpoint module shares. */
export interface RtmContext {
  http: AgoraHttp;
  upstream: Upstream;
  auth: RtmAuth;
  /** How long to wait between reads of a history query that is still in progress (2 s upstream). */
  historyPollIntervalMs: number;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  priority?: Priority | undefined;
}

export const enc = encodeURIComponent;
