/**
 * The event log: the one ordered record every subscriber reads. `append` stamps events with the next
 * sequence numbers, keeps the last `maxLength` of them for replay, and hands them to live listeners in
 * sequence order; `read` answers what the log holds after a sequence number. In memory here; in a Redis
 * stream with pub/sub in ./log-redis.ts, behind the same contract (test/events/contract.test.ts).
 *
 * A fenced append carries the poller's lease: it is refused when the lease is no longer that holder's,
 * so a paused old leader cannot publish after another took over.
 */
import type { GatewayEvent, Sequenced } from './types.ts';
import type { Fence, Lease } from './lease.ts';
import { createListenerIndex } from './routing.ts';

export interface LogWindow {
  /** The oldest sequence number the log still holds (lastSeq + 1 when it holds none). */
  oldestSeq: number;
  /** The newest sequence number ever appended (0 before the first). */
  lastSeq: number;
}

export interface EventLog {
  append(events: readonly GatewayEvent[], fence?: Fence): Promise<Sequenced[]>;
  /** Up to `limit` events after `afterSeq`, oldest first, and the log's window. */
  read(afterSeq: number, limit: number): Promise<{ events: Sequenced[] } & LogWindow>;
  window(): Promise<LogWindow>;
  /**
   * Every appended event, in sequence order, from now on; with `keys`, only events with one of those
   * routing keys (./routing.ts). Answers the unsubscribe.
   */
  listen(listener: (event: Sequenced) => void, keys?: readonly string[]): () => void;
  close(): Promise<void>;
}

/** The fence no longer holds: another instance took the lease. */
export class FencedOffError extends Error {
  override readonly name = 'FencedOffError';
  constructor() {
    super('the poller lease is held by another instance; this instance may no longer publish what it polls');
  }
}

export function createMemoryEventLog(options: { maxLength: number; lease?: Lease }): EventLog {
  const entries: Sequenced[] = [];
  const listeners = createListenerIndex();
  let lastSeq = 0;
  const window = (): LogWindow => ({ oldestSeq: entries[0]?.seq ?? lastSeq + 1, lastSeq });

  return {
    async append(events, fence) {
      if (fence && !(await options.lease?.holds(fence))) throw new FencedOffError();
      const stamped = events.map((event) => ({ seq: ++lastSeq, event }));
      entries.push(...stamped);
      if (entries.length > options.maxLength) entries.splice(0, entries.length - options.maxLength);
      for (const e of stamped) listeners.dispatch(e);
      return stamped;
    },
    async read(afterSeq, limit) {
      const start = entries.findIndex((e) => e.seq > afterSeq);
      return { events: start < 0 ? [] : entries.slice(start, start + limit), ...window() };
    },
    window: async () => window(),
    listen: (listener, keys) => listeners.add(listener, keys),
    async close() {
      listeners.clear();
    },
  };
}
