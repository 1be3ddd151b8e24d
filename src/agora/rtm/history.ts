/**
 * Signaling message history (agora-api.md §1.1): an asynchronous query. POST a filter to get a handle,
 * then read the handle until Agora says "ok" (waiting at least 2 s between reads); a handle expires
 * (410, AgoraGoneError), after which a new query is needed. Only messages sent with
 * enableHistoricalMessaging are stored. Count answers at once.
 */
import { sleep } from '../../lib/sleep.js';
import { AgoraUnavailableError } from '../errors.js';
import { parseInput } from '../validate.js';
import { enc, type CallOptions, type RtmContext } from './context.js';
import {
  agoraTime,
  historyCountResponse,
  historyFilterInput,
  historyHandle,
  historyMessagesResponse,
  historyQueryInput,
  historyQueryResponse,
  type HistoryFilterInput,
  type HistoryQueryInput,
} from './schemas.js';

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

export function createRtmHistory(ctx: RtmContext) {
  const history = {
    /** Starts a history query and returns its handle. */
    async queryHistory(input: HistoryQueryInput, opts: CallOptions = {}): Promise<string> {
      const operation = 'rtm.queryHistory';
      const v = parseInput(historyQueryInput, input, { service: 'rtm', operation });
      const res = await ctx.http.request({
        upstream: ctx.upstream,
        operation,
        budget: 'rtm.history',
        method: 'POST',
        path: '/rtm/message/history/query',
        json: {
          filter: {
            ...(v.source ? { source: v.source } : {}),
            ...(v.destination ? { destination: v.destination } : {}),
            start_time: agoraTime(v.startTime),
            end_time: agoraTime(v.endTime),
          },
          ...(v.offset === undefined ? {} : { offset: v.offset }),
          ...(v.limit === undefined ? {} : { limit: v.limit }),
          order: v.order,
        },
        auth: ctx.auth.forService(),
        response: historyQueryResponse,
        // Starting a query has no effect beyond a new handle, so repeating it is harmless.
        replay: 'idempotent',
        ...opts,
      });
      const location = res.data.location;
      return location.slice(location.lastIndexOf(HANDLE_PREFIX) + HANDLE_PREFIX.length);
    },

    /** Reads a query's result once: `ready: false` while Agora is still preparing it. */
    async getHistoryPage(handle: string, opts: CallOptions = {}): Promise<HistoryPage> {
      const operation = 'rtm.getHistoryPage';
      const h = parseInput(historyHandle, handle, { service: 'rtm', operation });
      const res = await ctx.http.request({
        upstream: ctx.upstream,
        operation,
        budget: 'rtm.history',
        method: 'GET',
        path: `${HANDLE_PREFIX}${enc(h)}`,
        auth: ctx.auth.forService(),
        response: historyMessagesResponse,
        replay: 'idempotent',
        ...opts,
      });
      if (res.data.code === 'in progress') return { ready: false };
      return {
        ready: true,
        messages: (res.data.messages ?? []).map((m) => ({
          from: m.src,
          to: m.dst ?? m.dest ?? '',
          kind: m.message_type === 'peer_message' ? 'peer' : 'channel',
          payload: m.payload,
          at: m.ms ?? m.ts ?? 0,
        })),
      };
    },

    /**
     * Runs a query to completion: starts it, then reads the handle every `historyPollIntervalMs` until
     * it is ready or `maxWaitMs` passes (AgoraUnavailableError).
     */
    async fetchHistory(
      input: HistoryQueryInput,
      opts: CallOptions & { maxWaitMs?: number } = {},
    ): Promise<HistoryMessage[]> {
      const handle = await history.queryHistory(input, opts);
      const deadline = Date.now() + (opts.maxWaitMs ?? 30_000);
      for (;;) {
        const page = await history.getHistoryPage(handle, opts);
        if (page.ready) return page.messages;
        if (Date.now() + ctx.historyPollIntervalMs > deadline) {
          throw new AgoraUnavailableError({
            service: 'rtm',
            operation: 'rtm.fetchHistory',
            maybeDelivered: false,
            retryable: true,
            message: 'Agora did not finish the history query in time; try again later',
          });
        }
        await sleep(ctx.historyPollIntervalMs, opts.signal);
      }
    },

    /** Counts the stored messages that match a filter. */
    async countHistory(input: HistoryFilterInput, opts: CallOptions = {}): Promise<number> {
      const operation = 'rtm.countHistory';
      const v = parseInput(historyFilterInput, input, { service: 'rtm', operation });
      const res = await ctx.http.request({
        upstream: ctx.upstream,
        operation,
        budget: 'rtm.history',
        method: 'GET',
        path: '/rtm/message/history/count',
        query: {
          source: v.source,
          destination: v.destination,
          start_time: agoraTime(v.startTime),
          end_time: agoraTime(v.endTime),
        },
        auth: ctx.auth.forService(),
        response: historyCountResponse,
        replay: 'idempotent',
        ...opts,
      });
      return res.data.count;
    },
  };
  return history;
}
