/**
 * Reconciliation: the hourly history export (seed 004, "Retrieving historical messages") is Agora's
 * complete record of the messages sent in an hour. Callbacks are not: Agora retries a failed one once,
 * then drops it. So the instance that holds the poller's lease reads each completed hour's export once,
 * at background priority within its budget (10 reads a minute), and adds to the store what is missing;
 * the store's tombstones keep recalled messages recalled. After an hour is reconciled, nothing sent in
 * it is missing from the store (within the retention).
 *
 * An hour is "completed" `delayMs` after it ends (Agora writes the file after the hour); hours within
 * `lookbackHours` are read, oldest first, a few per pass. An operator can reconcile an hour at once
 * (the `reconcileMessages` mutation) after an outage of the callback endpoint.
 */
import type { ChatClient } from '../agora/chat/client.ts';
import type { ArchivedMessage } from '../agora/chat/messages.ts';
import { historyHour } from '../agora/chat/messages.ts';
import { AgoraNotFoundError } from '../agora/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { typingOf } from './ingest.ts';
import type { MessageStore } from './store.ts';

export interface ReconcileSettings {
  /** How often the leader looks for hours to reconcile. */
  intervalMs: number;
  /** How long after an hour ends its export is read. */
  delayMs: number;
  /** How far back hours are reconciled. */
  lookbackHours: number;
}

export interface ReconcileResult {
  /** The hour, `yyyyMMddHH` (UTC). */
  hour: string;
  /** Messages in the export. */
  read: number;
  /** Of those, the ones the store did not have. */
  added: number;
}

const HOUR_MS = 3_600_000;
/** Hours read per pass: two calls each (the file's URL, then the file), well within 10 a minute. */
const HOURS_PER_PASS = 3;

export interface Reconciler {
  /**
   * Reads one hour's export into the store now (completed or not); does not mark it reconciled. `via`
   * is the client to read with (a request's own, whose calls it counts), the reconciler's by default.
   */
  reconcileHour(hour: Date, via?: ChatClient): Promise<ReconcileResult>;
  /** One pass of the background job (the tests call it; the timer does too). */
  pass(): Promise<ReconcileResult[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createReconciler(options: {
  chat: ChatClient | undefined;
  store: MessageStore;
  /** Whether this instance holds the poller's lease: only the leader reconciles in the background. */
  leads: () => boolean;
  settings: ReconcileSettings;
  logger: Logger;
  /** Stores messages and answers those that were new (./ingest.ts's recordMessages, which also tells subscribers). */
  record: (messages: readonly ArchivedMessage[]) => Promise<ArchivedMessage[]>;
  now?: () => number;
}): Reconciler {
  const { chat, store, settings, logger } = options;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function reconcileHour(hour: Date, via = chat): Promise<ReconcileResult> {
    const start = new Date(Math.floor(hour.getTime() / HOUR_MS) * HOUR_MS);
    if (!via) return { hour: historyHour(start), read: 0, added: 0 };
    // An hour without messages has no file: Agora answers 404.
    const archived = await via.messages.downloadHistory(start, via === chat ? { priority: 'background' } : {}).catch((error: unknown) => {
      if (error instanceof AgoraNotFoundError) return [];
      throw error;
    });
    // Typing signals are command messages in the export too; they are never messages of a conversation.
    const added = await options.record(archived.filter((m) => !typingOf(m)));
    return { hour: historyHour(start), read: archived.length, added: added.length };
  }

  async function pass(): Promise<ReconcileResult[]> {
    if (!chat || !options.leads()) return [];
    const latest = Math.floor((now() - settings.delayMs) / HOUR_MS) * HOUR_MS - HOUR_MS;
    const results: ReconcileResult[] = [];
    for (let i = settings.lookbackHours - 1; i >= 0 && results.length < HOURS_PER_PASS; i--) {
      const start = latest - i * HOUR_MS;
      const hour = historyHour(new Date(start));
      if (await store.reconciled(hour)) continue;
      const result = await reconcileHour(new Date(start));
      await store.markReconciled(hour);
      results.push(result);
      if (result.added > 0) logger.warn({ hour, added: result.added }, 'reconciliation added messages that no callback had brought');
      else logger.debug({ hour, read: result.read }, 'hour reconciled');
    }
    return results;
  }

  const run = () => {
    if (running) return;
    running = pass()
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciliation pass failed; the next pass retries'))
      .finally(() => (running = undefined));
  };

  return {
    reconcileHour,
    pass,
    start() {
      timer = setInterval(run, settings.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
