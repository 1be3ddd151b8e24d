/**
 * Chat presence, watched: for the usernames that live `presenceChanged` subscribers watch (on any
 * instance), the leader reads Chat's batch presence (100 users a call, within its 50/s budget) every
 * `intervalMs` and appends only what changed. The first read of a name sets what "changed" means and
 * publishes nothing.
 */
import type { AgoraClient } from '../agora/client.ts';
import { CHAT_LIMITS } from '../agora/limits.ts';
import type { Logger } from '../observability/logger.ts';
import type { Fence } from './lease.ts';
import type { EventLog } from './log.ts';
import type { GatewayEvent } from './types.ts';
import type { WatchSet } from './watch-set.ts';

export interface PresenceWatcherOptions {
  agora: AgoraClient;
  log: EventLog;
  watches: WatchSet;
  intervalMs: number;
  /** The poller's fence while this instance leads; the watcher reads only then. */
  fence(): Fence | undefined;
  logger: Logger;
}

export function createPresenceWatcher(options: PresenceWatcherOptions) {
  const { agora, log, watches, logger } = options;
  const known = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function round(): Promise<void> {
    const fence = options.fence();
    const chat = agora.chat;
    if (!fence || !chat) return;
    const names = await watches.union();
    const watched = new Set(names);
    for (const name of known.keys()) if (!watched.has(name)) known.delete(name);
    const changes: GatewayEvent[] = [];
    for (let i = 0; i < names.length; i += CHAT_LIMITS.presenceUsers) {
      const chunk = names.slice(i, i + CHAT_LIMITS.presenceUsers);
      const found = await chat.presence.getMany({ username: chunk[0]!, users: chunk }, { priority: 'background' });
      for (const p of found) {
        const state = `${p.online ? 1 : 0}|${p.ext}`;
        const before = known.get(p.username);
        known.set(p.username, state);
        if (before !== undefined && before !== state) changes.push({ kind: 'presence', username: p.username, online: p.online, ext: p.ext, at: Date.now() });
      }
    }
    if (changes.length > 0) await log.append(changes, fence);
  }

  const tick = () => {
    running = round()
      .catch((error: unknown) => logger.warn({ err: error }, 'a presence read failed'))
      .finally(() => {
        if (timer) timer = setTimeout(tick, options.intervalMs);
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
  };
}
