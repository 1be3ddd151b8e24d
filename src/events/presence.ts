/**
 * Chat presence, watched: for the usernames that live `presenceChanged` subscribers watch (on any
 * instance), the leader reads Chat's batch presence (100 users a call) and appends only what changed.
 * The first read of a name sets what "changed" means and publishes nothing.
 *
 * Rounds follow each other as fast as half of Chat's 50 presence reads a second allow (the other half
 * is left to `User.presence` reads, which share that budget), never sooner than `intervalMs` (a floor
 * operators may raise), and slower after a 429 (src/events/pace.ts). With 100 names watched a round
 * is one read, so the floor sets the pace; with 2,000 it is 20 reads, and the budget does.
 */
import type { AgoraClient } from '../agora/client.ts';
import type { Presence } from '../agora/chat/presence.ts';
import { AgoraBadRequestError, AgoraNotFoundError, AgoraRateLimitedError } from '../agora/errors.ts';
import { CHAT_LIMITS, RATE_LIMITS } from '../agora/limits.ts';
import type { Logger } from '../observability/logger.ts';
import type { Fence } from './lease.ts';
import type { EventLog } from './log.ts';
import { createPace } from './pace.ts';
import type { GatewayEvent } from './types.ts';
import type { WatchSet } from './watch-set.ts';

/** The share of `chat.presence.getMany` the watcher spends; interactive `User.presence` reads use the rest. */
const BUDGET_SHARE = 0.5;
/**
 * Names of a chunk tried in turn as the user who reads (the path's `{username}`): Agora refuses the whole
 * read when that user does not exist ("resource not exist"), as a watched user deleted since may not.
 */
const READER_TRIES = 3;

export interface PresenceWatcherOptions {
  agora: AgoraClient;
  log: EventLog;
  watches: WatchSet;
  intervalMs: number;
  /** The poller's fence while this instance leads; the watcher reads only then. */
  fence(): Fence | undefined;
  logger: Logger;
}

export interface PresenceWatcherStats {
  rounds: number;
  reads: number;
  /** Reads Agora itself answered 429 (the pace should keep that from happening). */
  limited: number;
}

export function createPresenceWatcher(options: PresenceWatcherOptions) {
  const { agora, log, watches, logger } = options;
  const known = new Map<string, string>();
  const pace = createPace({ budget: RATE_LIMITS['chat.presence.getMany'], share: BUDGET_SHARE, floorMs: options.intervalMs });
  const stats: PresenceWatcherStats = { rounds: 0, reads: 0, limited: 0 };
  /** Reads in the last round: the next gap is paced on them. */
  let calls = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function readChunk(chunk: string[], changes: GatewayEvent[]): Promise<void> {
    const chat = agora.chat!;
    const tries = Math.min(READER_TRIES, chunk.length);
    for (let attempt = 0; attempt < tries; attempt++) {
      stats.reads++;
      try {
        const found = await chat.presence.getMany({ username: chunk[attempt]!, users: chunk }, { priority: 'background' });
        noteChanges(found, changes);
        return;
      } catch (error) {
        const readerUnknown = error instanceof AgoraBadRequestError || error instanceof AgoraNotFoundError;
        if (readerUnknown && attempt + 1 < tries) continue;
        if (error instanceof AgoraRateLimitedError && error.source === 'upstream') {
          stats.limited++;
          pace.limited(calls);
        }
        logger.warn({ err: error }, 'a presence read failed');
        return;
      }
    }
  }

  function noteChanges(found: readonly Presence[], changes: GatewayEvent[]): void {
    for (const p of found) {
      const state = `${p.online ? 1 : 0}|${p.ext}`;
      const before = known.get(p.username);
      known.set(p.username, state);
      if (before !== undefined && before !== state) changes.push({ kind: 'presence', username: p.username, online: p.online, ext: p.ext, at: Date.now() });
    }
  }

  async function round(): Promise<void> {
    const fence = options.fence();
    if (!fence || !agora.chat) return;
    const names = await watches.union();
    const watched = new Set(names);
    for (const name of known.keys()) if (!watched.has(name)) known.delete(name);
    const chunks: string[][] = [];
    for (let i = 0; i < names.length; i += CHAT_LIMITS.presenceUsers) chunks.push(names.slice(i, i + CHAT_LIMITS.presenceUsers));
    calls = chunks.length;
    if (calls === 0) return;
    stats.rounds++;
    const changes: GatewayEvent[] = [];
    // The round's reads at once (the budget grants them): a change waits on one round trip, not on every chunk's.
    await Promise.all(chunks.map((chunk) => readChunk(chunk, changes)));
    pace.roundEnded();
    if (changes.length > 0) await log.append(changes, fence);
  }

  const tick = () => {
    const started = Date.now();
    running = round()
      .catch((error: unknown) => logger.warn({ err: error }, 'a presence round failed'))
      .finally(() => {
        // Rounds start a gap apart: the round's own reads count toward it.
        if (timer) timer = setTimeout(tick, Math.max(0, pace.gapMs(Math.max(1, calls)) - (Date.now() - started)));
      });
  };

  return {
    start() {
      timer = setTimeout(tick, 0);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    stats: (): PresenceWatcherStats => ({ ...stats }),
  };
}
