import type { RetryInfo } from '../../src/agora/http.ts';
import { describe, expect, it } from 'vitest';
import { AgoraRateLimitedError, AgoraUnavailableError } from '../../src/agora/errors.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';
import { namedHost, testLookup } from '../helpers/lookup.ts';

const LABELS = ['primary', 'alternate', 'regional'];

/** Three upstream listeners and a fourth, never faulted or closed, for the control API. */
async function threeHosts(options: { onRetry?: (info: RetryInfo) => void } = {}) {
  const t = await startEmulator({ labels: ['control', ...LABELS] });
  const urls = Object.fromEntries(t.emulator.listeners().map((l) => [l.label, l.url])) as Record<string, string>;
  const hosts = LABELS.map((l) => namedHost(urls[l]!, l));
  const client = clientFor(t.emulator, { hosts, lookup: testLookup, ...options });
  const calls = async (route: string) => Object.fromEntries(await Promise.all(LABELS.map(async (l) => [l, await t.control.callCount(route, l)])));
  return { ...t, urls, hosts, client, calls };
}

describe('failover across primary, alternate and regional hosts (seed 000)', () => {
  it('retries the primary once, then moves to the alternate domain when the primary keeps answering 503', async () => {
    const { client, control, calls } = await threeHosts();
    await control.addFault({ route: 'signaling.sendPeerMessage', listener: 'primary', status: 503, times: 5 });
    await control.signaling.login('bob');
    const result = await client.signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x', waitForAck: true });
    expect(result.status).toBe('delivered');
    expect(await calls('signaling.sendPeerMessage')).toEqual({ primary: 2, alternate: 1, regional: 0 });
    expect((await control.signaling.inbox('bob')).messages).toHaveLength(1);
    expect(client.http.stats()).toMatchObject({ retries: 2, failovers: 1 });
  });

  it('skips the alternate domain after a network failure that is not DNS (primary refuses connections)', async () => {
    const { emulator, client, calls } = await threeHosts();
    await emulator.closeListener('primary');
    const result = await client.signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x' });
    expect(result.status).toBe('sent');
    const counts = await calls('signaling.sendPeerMessage');
    expect(counts).toEqual({ primary: 0, alternate: 0, regional: 1 });
  });

  it('tries the alternate domain after a DNS failure of the primary', async () => {
    const t = await startEmulator({ labels: ['alternate', 'regional'] });
    const urls = Object.fromEntries(t.emulator.listeners().map((l) => [l.label, l.url])) as Record<string, string>;
    const client = clientFor(t.emulator, {
      hosts: ['http://unresolvable.agora.test:9', namedHost(urls.alternate!, 'alternate'), namedHost(urls.regional!, 'regional')],
      lookup: testLookup,
    });
    const events = await client.signaling.getUserEvents();
    expect(events.events).toEqual([]);
    expect(await t.control.callCount('signaling.getUserEvents', 'alternate')).toBe(1);
    expect(await t.control.callCount('signaling.getUserEvents', 'regional')).toBe(0);
  });

  it('reaches the regional domain when primary and alternate both fail', async () => {
    const { client, control, calls } = await threeHosts();
    await control.addFault({ route: 'signaling.sendChannelMessage', listener: 'primary', status: 503, times: 5 });
    await control.addFault({ route: 'signaling.sendChannelMessage', listener: 'alternate', status: 502, times: 5 });
    // 502 on a send may mean Agora processed it: only idempotent calls would go on, so use a read too.
    await control.addFault({ route: 'signaling.countHistory', listener: 'primary', status: 500, times: 5 });
    await control.addFault({ route: 'signaling.countHistory', listener: 'alternate', status: 504, times: 5 });
    const count = await client.signaling.countHistory({ destination: 'bob', startTime: new Date(Date.now() - 1000), endTime: new Date() });
    expect(count).toBe(0);
    expect(await calls('signaling.countHistory')).toEqual({ primary: 2, alternate: 1, regional: 1 });

    const error = await client.signaling.sendChannelMessage({ from: 'a', channel: 'c', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraUnavailableError);
    expect(error).toMatchObject({ maybeDelivered: true, status: 502 });
    expect(await calls('signaling.sendChannelMessage')).toEqual({ primary: 2, alternate: 1, regional: 0 });
  });

  it('gives up after the regional host with UPSTREAM_UNAVAILABLE when every host is down', async () => {
    const retries: RetryInfo[] = [];
    const { client, control, calls } = await threeHosts({ onRetry: (r) => retries.push(r) });
    await control.addFault({ route: '*', status: 503, times: 10 });
    const error = await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraUnavailableError);
    expect(error).toMatchObject({ maybeDelivered: false, retryable: true, status: 503 });
    expect((error as Error).message).toMatch(/every retry and failover host was tried/);
    expect(await calls('signaling.sendPeerMessage')).toEqual({ primary: 2, alternate: 1, regional: 1 });
    // Seed 000's waits of 1, 3 and 6 units (5 ms each here), each with its jitter, before the primary,
    // the alternate and the regional host.
    expect(retries.map((r) => r.host)).toEqual(['primary', 'alternate', 'regional']);
    retries.forEach((r, i) => expect(r.delayMs).toBeGreaterThanOrEqual([5, 15, 30][i]!));
  });
});

describe('no replay of what may have been processed', () => {
  it('does not resend a message whose connection dropped after Agora handled it', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    await control.signaling.login('bob');
    await control.addFault({ route: 'signaling.sendPeerMessage', reset: 'after' });
    const error = await client.signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'once' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraUnavailableError);
    expect(error).toMatchObject({ maybeDelivered: true, retryable: false });
    expect((error as Error).message).toMatch(/Delivery is unknown/);
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(1);
    expect((await control.signaling.inbox('bob')).messages.map((m) => m.payload)).toEqual(['once']);
    expect(client.http.stats().maybeDeliveredSends).toBe(1);
  });

  it('does not resend after a 500 or a response timeout either', async () => {
    const { emulator, control } = await startEmulator();
    // undici checks header timeouts on a coarse (about 1 s) timer, so the delay is well past it.
    const client = clientFor(emulator, { timeouts: { headersMs: 100 } });
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 500 });
    expect(await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e)).toMatchObject({ maybeDelivered: true });
    await control.addFault({ route: 'signaling.sendPeerMessage', delayMs: 2500 });
    expect(await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e)).toMatchObject({ maybeDelivered: true });
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(2);
  });

  it('treats a reset as possibly delivered, but retries a 503 (which Agora did not process) and sends once', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    // A reset before handling still looks, to the client, like a request that may have been written.
    await control.addFault({ route: 'signaling.sendPeerMessage', reset: 'before' });
    expect(await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e)).toMatchObject({ maybeDelivered: true });
    // A 503 says Agora did not process it: retried and sent exactly once.
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 503 });
    expect(await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' })).toMatchObject({ status: 'sent' });
  });

  it('retries an idempotent read whose connection dropped', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    await control.addFault({ route: 'signaling.countHistory', reset: 'before' });
    const count = await client.signaling.countHistory({ source: 'a', startTime: new Date(Date.now() - 1000), endTime: new Date() });
    expect(count).toBe(0);
    expect(await control.callCount('signaling.countHistory')).toBe(2);
  });

  it('never repeats a destructive event read whose response may exist, and counts the possible loss', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    await control.signaling.login('alice');
    await control.addFault({ route: 'signaling.getUserEvents', reset: 'after' });
    const error = await client.signaling.getUserEvents().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraUnavailableError);
    expect((error as Error).message).toMatch(/may be lost/);
    expect(await control.callCount('signaling.getUserEvents')).toBe(1);
    expect(client.http.stats().possiblyLostReads).toBe(1);
    // The loss belongs to the call's own error: the poller knows which read may have lost events.
    expect((error as AgoraUnavailableError).eventsMayBeLost).toBe(true);
    // The read took effect upstream: the event is gone, which is exactly why it must not be repeated blindly.
    expect((await control.signaling.pendingEvents()).userEvents).toBe(0);
  });

  it('does retry a destructive read that never reached Agora (503)', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    await control.signaling.login('alice');
    await control.addFault({ route: 'signaling.getUserEvents', status: 503 });
    expect((await client.signaling.getUserEvents()).events).toHaveLength(1);
    expect(client.http.stats().possiblyLostReads).toBe(0);
  });
});

describe('429 and cancellation', () => {
  it('honours Retry-After on a 429', async () => {
    const { emulator, control } = await startEmulator();
    const retries: RetryInfo[] = [];
    const client = clientFor(emulator, { onRetry: (r) => retries.push(r) });
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 429, headers: { 'retry-after': '1' } });
    expect(await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' })).toMatchObject({ status: 'sent' });
    expect(retries).toEqual([expect.objectContaining({ host: 'primary', delayMs: 1000 })]);
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(2);
  });

  it('gives the 429 to the caller, with retryAfterMs, when Retry-After is longer than the gateway waits', async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 429, headers: { 'retry-after': '120' } });
    const error = await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, source: 'upstream', status: 429 });
  });

  it("cancels the upstream call when the caller's signal aborts", async () => {
    const { emulator, control } = await startEmulator();
    const client = clientFor(emulator);
    // Longer than the test may run: the call ends only if the abort ends it.
    await control.addFault({ route: 'signaling.countHistory', delayMs: 120_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    const error = await client.signaling
      .countHistory({ source: 'a', startTime: new Date(Date.now() - 1000), endTime: new Date() }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('client went away');
  });

  it('cancels during a back-off wait too', async () => {
    const { emulator, control } = await startEmulator();
    // A back-off unit longer than the test may run: the call ends only if the abort ends the wait.
    const client = clientFor(emulator, { retryUnitMs: 120_000 });
    await control.addFault({ route: 'signaling.countHistory', status: 503 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    const error = await client.signaling
      .countHistory({ source: 'a', startTime: new Date(Date.now() - 1000), endTime: new Date() }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('cancelled');
    expect(await control.callCount('signaling.countHistory')).toBe(1);
  });
});
