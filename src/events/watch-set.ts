/**
 * The usernames some subscriber anywhere watches (presenceChanged), so that the one leader reads the
 * presence of their union. Each instance counts its own subscribers and refreshes its names in the
 * shared set; a name unrefreshed for `ttlMs` (its instance died) drops out. In memory here, one
 * instance; a Redis sorted set (score: when the name lapses) in ./watch-set-redis.ts.
 */

export interface WatchSet {
  /** Counts a subscriber of these names; answers the function that uncounts it. */
  watch(usernames: readonly string[]): () => void;
  /** Every name watched by any instance. */
  union(): Promise<string[]>;
  close(): Promise<void>;
}

/** What both implementations share: this instance's reference counts. */
export class LocalWatches {
  private readonly counts = new Map<string, number>();

  watch(usernames: readonly string[], onFirst?: (name: string) => void): () => void {
    const names = [...new Set(usernames)];
    for (const n of names) {
      const c = this.counts.get(n) ?? 0;
      this.counts.set(n, c + 1);
      if (c === 0) onFirst?.(n);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const n of names) {
        const c = (this.counts.get(n) ?? 1) - 1;
        if (c <= 0) this.counts.delete(n);
        else this.counts.set(n, c);
      }
    };
  }

  names(): string[] {
    return [...this.counts.keys()];
  }
}

export function createMemoryWatchSet(): WatchSet {
  const local = new LocalWatches();
  return {
    watch: (usernames) => local.watch(usernames),
    union: async () => local.names(),
    close: async () => undefined,
  };
}
