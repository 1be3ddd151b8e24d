import { describe, expect, it } from 'vitest';
import { CursorAheadError, CursorTooOldError, openFeed, type FeedItem } from '../../src/events/feed.ts';
import { createMemoryEventLog } from '../../src/events/log.ts';
import type { GatewayEvent } from '../../src/events/types.ts';

const login = (username: string): GatewayEvent => ({ kind: 'user', type: 'login', username, at: 1 });
const who = (item: FeedItem | undefined) => (item && 'seq' in item && item.event.kind === 'user' ? item.event.username : JSON.stringify(item));
const all = () => true;

async function take(feed: AsyncIterator<FeedItem>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(who((await feed.next()).value));
  return out;
}

describe('a subscriber feed', () => {
  it('replays what the log holds after the cursor, then goes live, with no gap and no duplicate', async () => {
    const log = createMemoryEventLog({ maxLength: 100 });
    await log.append(['a', 'b', 'c'].map(login));
    const feed = openFeed({ log, after: 1, match: all, queueSize: 10, replayPage: 1 });
    // Appended after the feed opened and before its replay is read: replayed once, not delivered twice.
    await log.append([login('d')]);
    const first = await take(feed, 3);
    await log.append([login('e')]);
    expect([...first, ...(await take(feed, 1))]).toEqual(['b', 'c', 'd', 'e']);
    await feed.return!();
  });

  it('filters before queueing: what does not match never takes queue room', async () => {
    const log = createMemoryEventLog({ maxLength: 100 });
    const feed = openFeed({ log, match: (e) => e.kind === 'user' && e.username === 'alice', queueSize: 1 });
    await log.append(['bob', 'carol', 'alice', 'dave'].map(login));
    expect(await take(feed, 1)).toEqual(['alice']);
    await feed.return!();
  });

  it('ends a subscriber that does not keep up, saying the last sequence it got, from where it resumes with nothing lost', async () => {
    const log = createMemoryEventLog({ maxLength: 100 });
    const feed = openFeed({ log, match: all, queueSize: 2 });
    await log.append([login('a')]);
    expect(await take(feed, 1)).toEqual(['a']);
    await log.append(['b', 'c', 'd'].map(login));
    const end = await feed.next();
    expect(end.value).toEqual({ overflow: true, lastSeq: 1 });
    expect((await feed.next()).done).toBe(true);
    const resumed = openFeed({ log, after: 1, match: all, queueSize: 2 });
    expect(await take(resumed, 3)).toEqual(['b', 'c', 'd']);
    await resumed.return!();
  });

  it('refuses a cursor older than the log, naming where the log starts, and one ahead of it', async () => {
    const log = createMemoryEventLog({ maxLength: 2 });
    await log.append(['a', 'b', 'c', 'd'].map(login));
    const old = openFeed({ log, after: 1, match: all, queueSize: 2 });
    await expect(old.next()).rejects.toEqual(new CursorTooOldError(3));
    const ahead = openFeed({ log, after: 9, match: all, queueSize: 2 });
    await expect(ahead.next()).rejects.toBeInstanceOf(CursorAheadError);
    // The oldest held event's predecessor is still a good cursor.
    const edge = openFeed({ log, after: 2, match: all, queueSize: 2 });
    expect(await take(edge, 2)).toEqual(['c', 'd']);
    await edge.return!();
  });

  it('hands a broadcast to more waiting subscribers than one wake batch, each event once and in order, broadcast after broadcast', async () => {
    const log = createMemoryEventLog({ maxLength: 10 });
    // Two and a half of the pacer's batches of 256.
    const feeds = Array.from({ length: 640 }, () => openFeed({ log, match: all, queueSize: 4 }));
    const firsts = feeds.map((feed) => feed.next());
    await log.append([login('a')]);
    expect((await Promise.all(firsts)).map((r) => who(r.value))).toEqual(feeds.map(() => 'a'));
    const seconds = feeds.map((feed) => take(feed, 2));
    await log.append([login('b')]);
    await log.append([login('c')]);
    expect(await Promise.all(seconds)).toEqual(feeds.map(() => ['b', 'c']));
    await Promise.all(feeds.map((feed) => feed.return!()));
  });

  it('stops listening when the subscriber leaves', async () => {
    const log = createMemoryEventLog({ maxLength: 10 });
    const feed = openFeed({ log, match: all, queueSize: 2 });
    const pending = feed.next();
    await feed.return!();
    expect((await pending).done).toBe(true);
    await log.append([login('a')]);
    expect((await feed.next()).done).toBe(true);
  });
});
