import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateBudgets } from '../../src/agora/budgets.ts';
import { AgoraRateLimitedError } from '../../src/agora/errors.ts';
import { SlidingWindowLimiter } from '../../src/emulator/rate-limiter.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const who = { service: 'signaling' as const, operation: 'test' };

describe('the emulator enforces limits with a strict sliding window', () => {
  it('refuses the call past the limit within any window', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    for (let i = 0; i < 3; i++) expect(limiter.allow('k', 3, 100)).toBe(true);
    now = 99;
    expect(limiter.allow('k', 3, 100)).toBe(false);
    now = 100;
    expect(limiter.allow('k', 3, 100)).toBe(true);
  });

  it('answers 429 to a client that ignores the limit, so a zero-429 result means something', async () => {
    const { emulator } = await startEmulator();
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${emulator.url}/dev/v2/project/${emulator.project.appId}/rtm/vendor/user_events`, { headers: { authorization: auth } }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});

describe('rate budgets (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets every granted promise settle without moving the clock. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it('grants a burst of `limit` calls at once', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 100, windowMs: 1000 } }, paddingMs: 100 });
    let granted = 0;
    for (let i = 0; i < 100; i++) void budgets.acquire('c', who).then(() => void granted++);
    await settle();
    expect(granted).toBe(100);
  });

  it('grants a class with room and no one waiting without a timer: no deadline, and no wake-up after the release', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 10, windowMs: 1000 } }, paddingMs: 0 });
    const release = await budgets.acquire('c', who);
    expect(vi.getTimerCount()).toBe(0);
    release();
    release();
    // Let any continuation of the release run (the store's promise, a wake-up scheduled after it).
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    expect(budgets.stats().c).toMatchObject({ granted: 1, waited: 0 });
  });

  it('makes call limit + 1 wait until the first call completed a padded window ago, and not a millisecond less', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 10, windowMs: 1000 } }, paddingMs: 100 });
    const releases = [];
    for (let i = 0; i < 10; i++) releases.push(await budgets.acquire('c', who));
    let late = false;
    void budgets.acquire('c', who).then(() => void (late = true));
    // The first call takes 30 ms; the others are still in flight.
    await vi.advanceTimersByTimeAsync(30);
    releases[0]!();
    await vi.advanceTimersByTimeAsync(1099);
    expect(late).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(late).toBe(true);
  });

  it('serves interactive callers before background ones', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 2, windowMs: 50 } }, paddingMs: 0, backgroundReserve: 0 });
    const order: string[] = [];
    (await budgets.acquire('c', who))();
    (await budgets.acquire('c', who))();
    const waits = [
      budgets.acquire('c', { ...who, priority: 'background' }).then((release) => void (release(), order.push('background'))),
      budgets.acquire('c', { ...who, priority: 'interactive' }).then((release) => void (release(), order.push('interactive'))),
      budgets.acquire('c', { ...who, priority: 'interactive' }).then((release) => void (release(), order.push('interactive 2'))),
    ];
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all(waits);
    expect(order).toEqual(['interactive', 'interactive 2', 'background']);
  });

  it('holds background callers to the window less its reserve, leaving that share to interactive ones', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 10, windowMs: 200 } }, paddingMs: 0, backgroundReserve: 0.2 });
    for (let i = 0; i < 8; i++) (await budgets.acquire('c', { ...who, priority: 'background' }))();
    let backgroundGranted = false;
    const background = budgets.acquire('c', { ...who, priority: 'background' }).then((release) => void (release(), (backgroundGranted = true)));
    (await budgets.acquire('c', who))();
    (await budgets.acquire('c', who))();
    await settle();
    expect(backgroundGranted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await background;
  });

  it('reserves nothing of a class only background callers use (the event poller spends all of signaling.events)', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 10, windowMs: 200 } }, paddingMs: 0, backgroundReserve: 0.2, backgroundOnly: ['c'] });
    let granted = 0;
    for (let i = 0; i < 10; i++) void budgets.acquire('c', { ...who, priority: 'background' }).then((release) => void (release(), granted++));
    await settle();
    expect(granted).toBe(10);
  });

  it('fails with RATE_LIMITED and a retryAfter when no slot comes before the deadline', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 1000 } }, paddingMs: 0 });
    (await budgets.acquire('c', who))();
    const waiting = budgets.acquire('c', { ...who, maxWaitMs: 30 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30);
    const error = await waiting;
    expect(error).toBeInstanceOf(AgoraRateLimitedError);
    expect(error).toMatchObject({ source: 'budget', retryable: true, retryAfterMs: 1000 });
    expect(budgets.stats().c).toMatchObject({ granted: 1, rejected: 1 });
  });

  it('refuses at once when the queue is full', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 200 } }, maxQueue: 2, paddingMs: 0 });
    (await budgets.acquire('c', who))();
    const queued = [budgets.acquire('c', who).then((release) => release()), budgets.acquire('c', who).then((release) => release())];
    const error = await budgets.acquire('c', who).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraRateLimitedError);
    expect((error as Error).message).toMatch(/Too many calls are waiting/);
    await vi.advanceTimersByTimeAsync(400);
    await Promise.all(queued);
  });

  it('lets an aborted caller leave the queue', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 100 } }, paddingMs: 0 });
    (await budgets.acquire('c', who))();
    const controller = new AbortController();
    const waiting = budgets.acquire('c', { ...who, signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('gone'));
    expect(((await waiting) as Error).message).toBe('gone');
    const next = budgets.acquire('c', who).then((release) => release());
    await vi.advanceTimersByTimeAsync(100);
    await next;
  });

  it('never lets any window of windowMs at Agora hold more than `limit` calls, whatever each call takes (random arrivals)', async () => {
    // A small PRNG with a fixed seed, so a failure can be replayed.
    let seed = 20261130;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const { limit, windowMs, paddingMs } of [
      { limit: 10, windowMs: 1000, paddingMs: 20 },
      { limit: 50, windowMs: 1000, paddingMs: 20 },
      { limit: 3, windowMs: 60_000, paddingMs: 20 },
    ]) {
      const budgets = createRateBudgets({ limits: { c: { limit, windowMs } }, paddingMs, maxWaitMs: 10 * windowMs, backgroundReserve: 0.2 });
      // Each call reaches Agora at a random moment between its grant and its completion.
      const arrivals: number[] = [];
      const pending: Promise<void>[] = [];
      const call = async (priority: 'interactive' | 'background') => {
        const release = await budgets.acquire('c', { ...who, priority });
        const granted = Date.now();
        const duration = Math.floor(random() * 400);
        arrivals.push(granted + Math.floor(random() * duration));
        await vi.advanceTimersByTimeAsync(0);
        setTimeout(release, duration);
      };
      for (let step = 0; step < 300; step++) {
        // Bursts, trickles and silences, of both priorities.
        const count = random() < 0.2 ? Math.floor(random() * limit * 1.5) : random() < 0.5 ? 1 : 0;
        for (let i = 0; i < count; i++) pending.push(call(random() < 0.3 ? 'background' : 'interactive').catch(() => undefined));
        await vi.advanceTimersByTimeAsync(Math.floor(random() * windowMs * 0.3));
      }
      await vi.advanceTimersByTimeAsync(20 * windowMs);
      await Promise.all(pending);
      expect(arrivals.length).toBeGreaterThan(limit * 3);
      arrivals.sort((a, b) => a - b);
      // Agora's own limiter: a call is refused when `limit` others arrived within the last windowMs.
      for (let i = limit; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - limit]!).toBeGreaterThanOrEqual(windowMs);
    }
  });
});

describe('the message budget against the emulator', () => {
  it('delivers 1,000 sends offered at once with zero 429 answers (500/s documented limit)', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        i % 2 === 0
          ? client.signaling.sendPeerMessage({ from: 'load', to: `user${i}`, payload: `m${i}` })
          : client.signaling.sendChannelMessage({ from: 'load', channel: 'busy', payload: `m${i}` }),
      ),
    );
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const calls = await control.calls();
    const statuses = { ...calls['signaling.sendPeerMessage']?.byStatus };
    for (const [s, n] of Object.entries(calls['signaling.sendChannelMessage']?.byStatus ?? {})) statuses[s] = (statuses[s] ?? 0) + n;
    expect(statuses).toEqual({ 200: 1000 });
    expect(client.http.stats().retries).toBe(0);
  });
});
