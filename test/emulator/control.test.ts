import { describe, expect, it } from 'vitest';
import { clientFor, startEmulator } from '../helpers/agora.ts';

describe('the emulator control API', () => {
  it('reset forgets users, messages, events, counters and faults', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.signaling.login('bob');
    await signaling.sendPeerMessage({ from: 'a', to: 'bob', payload: 'x' });
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 500, times: 3 });
    await control.reset();
    expect(await control.calls()).toEqual({});
    expect((await control.signaling.inbox('bob')).messages).toEqual([]);
    expect(await control.signaling.pendingEvents()).toEqual({ userEvents: 0, channelEvents: 0, droppedEvents: 0, regions: {} });
    expect(await signaling.sendPeerMessage({ from: 'a', to: 'bob', payload: 'x' })).toMatchObject({ status: 'sent' });
  });

  it('a login or logout answers whether it made an event: none for a client already in that state', async () => {
    const { emulator, control } = await startEmulator();
    const post = async (path: string) => (await fetch(`${emulator.url}/_emulator/signaling/clients/dora/${path}`, { method: 'POST' })).json();
    expect(await post('login')).toEqual({ uid: 'dora', online: true, event: 'Login' });
    expect(await post('login')).toEqual({ uid: 'dora', online: true, event: null });
    expect((await control.signaling.pendingEvents()).userEvents).toBe(1);
    expect(await post('logout')).toEqual({ uid: 'dora', online: false, event: 'Logout' });
    expect(await post('logout')).toEqual({ uid: 'dora', online: false, event: null });
    expect((await control.signaling.pendingEvents()).userEvents).toBe(2);
  });

  it('adds global latency to every call', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.setLatency(60_000);
    // With the latency applied no answer comes before the caller gives up; without it, one would.
    const error = await signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }, { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    await control.setLatency(0);
    expect(await signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' })).toMatchObject({ status: 'sent' });
  });

  it('applies a fault only to the listener and number of calls it names', async () => {
    const { emulator, control } = await startEmulator({ labels: ['one', 'two'] });
    await control.addFault({ route: 'signaling.countHistory', listener: 'two', status: 400, times: 2 });
    const [one] = emulator.listeners();
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    const url = (base: string) =>
      `${base}/dev/v2/project/${emulator.project.appId}/rtm/message/history/count?source=a&start_time=2026-01-01T00:00:00Z&end_time=2026-01-02T00:00:00Z`;
    const two = emulator.listeners()[1]!;
    expect((await fetch(url(one!.url), { headers: { authorization: auth } })).status).toBe(200);
    expect((await fetch(url(two.url), { headers: { authorization: auth } })).status).toBe(400);
    expect((await fetch(url(two.url), { headers: { authorization: auth } })).status).toBe(400);
    expect((await fetch(url(two.url), { headers: { authorization: auth } })).status).toBe(200);
    expect((await control.calls())['signaling.countHistory']).toEqual({ total: 4, byListener: { one: 1, two: 3 }, byStatus: { 200: 2, 400: 2 } });
  });

  it('turns rate limiting off and on', async () => {
    const { emulator, control } = await startEmulator();
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    const burst = () =>
      Promise.all(
        Array.from({ length: 15 }, () =>
          fetch(`${emulator.url}/dev/v2/project/${emulator.project.appId}/rtm/vendor/user_events`, { headers: { authorization: auth } }).then((r) => r.status),
        ),
      );
    expect(await control.updateSettings({ rateLimits: false })).toMatchObject({ rateLimits: false });
    expect((await burst()).every((s) => s === 200)).toBe(true);
    await control.updateSettings({ rateLimits: true });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await burst()).filter((s) => s === 429)).toHaveLength(5);
  });

  it('refuses malformed control requests with 400 and says why', async () => {
    const { url } = await startEmulator();
    const res = await fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 99 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^route: /) });
    const join = await fetch(`${url}/_emulator/signaling/clients/nobody/channels/lobby`, { method: 'POST' });
    expect(join.status).toBe(409);
  });
});
