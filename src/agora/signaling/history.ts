/**
 * Signaling message history (agora-api.md §1.1): an asynchronous query. POST a filter to get a handle,
 * then read the handle until Agora says "ok" (waiting at least 2 s between reads); a handle expires
 * (410, AgoraGoneError), after which a new query is needed. Only messages sent with
 * enableHistoricalMessaging are stored. Count answers at once.
 */
import { sleep } from '../../lib/sleep.ts';
import { enc, endpoint, type CallOptions } from '../endpoint.ts';
import { AgoraUnavailableError } from '../errors.ts';
import type { SignalingContext } from './context.ts';
import {
  agoraTime,
  historyCountResponse,
  historyFilterInput,
  historyHandle,
  historyMessagesResponse,
  historyQueryInput,
  historyQueryResponse,
  type HistoryQueryInput,
} from './schemas.ts';

export interface HistoryMessage {
  from: string;
  to: string;
  kind: 'peer' | 'channel';
  payload: string;
  /** Epoch milliseconds. */
  at: number;
}

export type HistoryPage = { ready: false } | { ready: true; messages: HistoryMessage[] };

const HANDLE_PREFIX = '/rtm/message/history/query/';

export function createSignalingHistory(ctx: SignalingContext) {
  // Reads and query starts have no effect beyond a new handle, so repeating them is harmless.
  const read = { budget: 'signaling.history', replay: 'idempotent' } as const;

  /** Starts a history query and returns its handle. */
  const queryHistory = endpoint(ctx, {
    ...read,
    operation: 'signaling.queryHistory',
    method: 'POST',
    input: historyQueryInput,
    path: () => '/rtm/message/history/query',
    json: (v) => ({
      filter: { source: v.source, destination: v.destination, start_time: agoraTime(v.startTime), end_time: agoraTime(v.endTime) },
      offset: v.offset,
      limit: v.limit,
      order: v.order,
    }),
    response: historyQueryResponse,
    result: ({ data }) => data.location.slice(data.location.lastIndexOf(HANDLE_PREFIX) + HANDLE_PREFIX.length),
  });

  /** Reads a query's result once: `ready: false` while Agora is still preparing it. */
  const getHistoryPage = endpoint(ctx, {
    ...read,
    operation: 'signaling.getHistoryPage',
    method: 'GET',
    input: historyHandle,
    path: (handle) => `${HANDLE_PREFIX}${enc(handle)}`,
    response: historyMessagesResponse,
    result: ({ data }): HistoryPage =>
      data.code === 'in progress'
        ? { ready: false }
        : {
            ready: true,
            messages: (data.messages ?? []).map((m) => ({
              from: m.src,
              to: m.dst ?? m.dest ?? '',
              kind: m.message_type === 'peer_message' ? 'peer' : 'channel',
              payload: m.payload,
              at: m.ms ?? m.ts ?? 0,
            })),
          },
  });

  /** Counts the stored messages that match a filter. */
  const countHistory = endpoint(ctx, {
    ...read,
    operation: 'signaling.countHistory',
    method: 'GET',
    input: historyFilterInput,
    path: () => '/rtm/message/history/count',
    query: (v) => ({ source: v.source, destination: v.destination, start_time: agoraTime(v.startTime), end_time: agoraTime(v.endTime) }),
    response: historyCountResponse,
    result: ({ data }) => data.count,
  });

  /**
   * Runs a query to completion: starts it, then reads the handle every `historyPollIntervalMs` until
   * it is ready or `maxWaitMs` passes (AgoraUnavailableError).
   */
  async function fetchHistory(input: HistoryQueryInput, opts: CallOptions & { maxWaitMs?: number } = {}): Promise<HistoryMessage[]> {
    const handle = await queryHistory(input, opts);
    const deadline = Date.now() + (opts.maxWaitMs ?? 30_000);
    for (;;) {
      const page = await getHistoryPage(handle, opts);
      if (page.ready) return page.messages;
      if (Date.now() + ctx.historyPollIntervalMs > deadline) {
        throw new AgoraUnavailableError({
          service: 'signaling',
          operation: 'signaling.fetchHistory',
          maybeDelivered: false,
          retryable: true,
          message: 'Agora did not finish the history query in time; try again later',
        });
      }
      await sleep(ctx.historyPollIntervalMs, opts.signal);
    }
  }

  return { queryHistory, getHistoryPage, fetchHistory, countHistory };
}
