import { describe, expect, it } from 'vitest';
import { createMemoryBudgetStore, createRateBudgets, paceFor } from '../../src/agora/budgets.ts';
import { AgoraRateLimitedError } from '../../src/agora/errors.ts';
import { SlidingWindowLimiter } from '../../src/emulator/rate-limiter.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const who = { service: 'rtm' as const, operation: 'test' };

describe('the pacing store (GCRA)', () => {
  it('grants the burst at once, then one slot per interval, and says when the next one frees', async () => {
    let now = 1000;
    const store = createMemoryBudgetStore(() => now);
    const pace = { burst: 3, intervalMs: 10 };
    for (let i = 0; i < 3; i++) expect(await store.tryTake('k', pace, 0)).toEqual({ granted: true });
    expect(await store.tryTake('k', pace, 0)).toEqual({ granted: false, retryInMs: 10 });
    now = 1004;
    expect(await store.tryTake('k', pace, 0)).toEqual({ granted: false, retryInMs: 6 });
    now = 1010;
    expect(await store.tryTake('k', pace, 0)).toEqual({ granted: true });
    expect(await store.tryTake('k', pace, 0)).toEqual({ granted: false, retryInMs: 10 });
  });

  it('keeps a reserve of the burst from background callers', async () => {
    const now = 1000;
    const store = createMemoryBudgetStore(() => now);
    const pace = { burst: 10, intervalMs: 10 };
    for (let i = 0; i < 8; i++) expect(await store.tryTake('k', pace, 2)).toEqual({ granted: true });
    expect(await store.tryTake('k', pace, 2)).toMatchObject({ granted: false });
    expect(await store.tryTake('k', pace, 0)).toEqual({ granted: true });
  });

  it('paces so that burst plus the steady rate over a padded window stays within the limit', () => {
    const pace = paceFor({ limit: 500, windowMs: 1000 }, 50, 0.1);
    expect(pace.burst).toBe(50);
    expect(pace.burst + 1050 / pace.intervalMs).toBeCloseTo(500, 6);
  });
});

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

describe('rate budgets', () => {
  it('never grants more than the limit within a padded window', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 20, windowMs: 100 } }, paddingMs: 10 });
    const grants: number[] = [];
    await Promise.all(Array.from({ length: 60 }, () => budgets.acquire('c', who).then(() => grants.push(performance.now()))));
    grants.sort((a, b) => a - b);
    // Timers may fire a millisecond early; the padding is what absorbs that.
    for (let i = 20; i < grants.length; i++) expect(grants[i]! - grants[i - 20]!).toBeGreaterThanOrEqual(108);
  });

  it('serves interactive callers before background ones', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 2, windowMs: 50 } }, paddingMs: 0, backgroundReserve: 0, burstRatio: 1 });
    const order: string[] = [];
    await budgets.acquire('c', who);
    await budgets.acquire('c', who);
    const waits = [
      budgets.acquire('c', { ...who, priority: 'background' }).then(() => order.push('background')),
      budgets.acquire('c', { ...who, priority: 'interactive' }).then(() => order.push('interactive')),
    ];
    await Promise.all(waits);
    expect(order).toEqual(['interactive', 'background']);
  });

  it('holds background callers back when the window is nearly used, leaving room to interactive ones', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 10, windowMs: 200 } }, paddingMs: 0, backgroundReserve: 0.2, burstRatio: 1 });
    for (let i = 0; i < 8; i++) await budgets.acquire('c', { ...who, priority: 'background' });
    let backgroundGranted = false;
    const background = budgets.acquire('c', { ...who, priority: 'background' }).then(() => (backgroundGranted = true));
    await budgets.acquire('c', who);
    await budgets.acquire('c', who);
    expect(backgroundGranted).toBe(false);
    await background;
  });

  it('fails with RATE_LIMITED and a retryAfter when no slot comes before the deadline', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 1000 } }, paddingMs: 0 });
    await budgets.acquire('c', who);
    const error = await budgets.acquire('c', { ...who, maxWaitMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraRateLimitedError);
    expect(error).toMatchObject({ source: 'budget', retryable: true });
    expect((error as AgoraRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect(budgets.stats().c).toMatchObject({ granted: 1, rejected: 1 });
  });

  it('refuses at once when the queue is full', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 200 } }, maxQueue: 2, paddingMs: 0 });
    await budgets.acquire('c', who);
    const queued = [budgets.acquire('c', who), budgets.acquire('c', who)];
    const error = await budgets.acquire('c', who).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraRateLimitedError);
    expect((error as Error).message).toMatch(/Too many calls are waiting/);
    await Promise.all(queued);
  });

  it('lets an aborted caller leave the queue', async () => {
    const budgets = createRateBudgets({ limits: { c: { limit: 1, windowMs: 100 } }, paddingMs: 0 });
    await budgets.acquire('c', who);
    const controller = new AbortController();
    const waiting = budgets.acquire('c', { ...who, signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('gone'));
    expect(((await waiting) as Error).message).toBe('gone');
    await budgets.acquire('c', who);
  });
});

describe('the message budget against the emulator', () => {
  it('delivers 1,000 sends offered at once with zero 429 answers (500/s documented limit)', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        i % 2 === 0
          ? client.rtm.sendPeerMessage({ from: 'load', to: `user${i}`, payload: `m${i}` })
          : client.rtm.sendChannelMessage({ from: 'load', channel: 'busy', payload: `m${i}` }),
      ),
    );
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const calls = await control.calls();
    const statuses = { ...calls['rtm.peer_messages']?.byStatus };
    for (const [s, n] of Object.entries(calls['rtm.channel_messages']?.byStatus ?? {})) statuses[s] = (statuses[s] ?? 0) + n;
    expect(statuses).toEqual({ 200: 1000 });
    expect(client.http.stats().retries).toBe(0);
    // 1,000 calls at under 500 per second need more than one full window.
    expect(elapsed).toBeGreaterThan(1000);
  });
});
