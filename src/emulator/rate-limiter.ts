/**
 * How the emulator enforces Agora's documented limits: a strict sliding-window log per class, so that
 * more than `limit` calls arriving within any `windowMs` get 429, however they are spread.
 */
export class SlidingWindowLimiter {
  private readonly logs = new Map<string, number[]>();

  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Records the call and returns true when it fits the limit. */
  allow(key: string, limit: number, windowMs: number): boolean {
    const t = this.now();
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    let expired = 0;
    while (expired < log.length && (log[expired] ?? 0) <= t - windowMs) expired++;
    if (expired > 0) log.splice(0, expired);
    if (log.length >= limit) return false;
    log.push(t);
    return true;
  }
}
