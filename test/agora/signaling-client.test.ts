import { describe, expect, it } from 'vitest';
import { AgoraGoneError, AgoraResponseShapeError } from '../../src/agora/errors.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const hour = 3600_000;
const window = () => ({ startTime: new Date(Date.now() - hour), endTime: new Date(Date.now() + hour) });

describe('Signaling peer messages', () => {
  it('answers sent without wait_for_ack, offline or delivered with it, by the receiver state', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;

    expect(await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'hi' })).toMatchObject({ status: 'sent' });
    expect(await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'hi', waitForAck: true })).toMatchObject({ status: 'offline' });
    await control.signaling.login('bob');
    const delivered = await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'hello bob', waitForAck: true });
    expect(delivered.status).toBe('delivered');
    expect(delivered.requestId).toMatch(/^\d+$/);

    const inbox = await control.signaling.inbox('bob');
    expect(inbox.messages.map((m) => m.payload)).toEqual(['hello bob']);
    expect(inbox.messages[0]).toMatchObject({ kind: 'peer', from: 'alice', to: 'bob', viaOffline: false });
  });

  it('keeps at most 200 offline messages per receiver, newest replacing oldest, and delivers them at login', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    for (let i = 0; i < 205; i++) {
      await signaling.sendPeerMessage({ from: 'alice', to: 'carol', payload: `m${i}`, enableOfflineMessaging: true });
    }
    await signaling.sendPeerMessage({ from: 'alice', to: 'carol', payload: 'not kept' });
    expect((await control.signaling.inbox('carol')).offlineStored).toBe(200);

    await control.signaling.login('carol');
    const inbox = await control.signaling.inbox('carol');
    expect(inbox.messages).toHaveLength(200);
    expect(inbox.messages[0]).toMatchObject({ payload: 'm5', viaOffline: true });
    expect(inbox.messages.at(-1)?.payload).toBe('m204');
  });
});

describe('Signaling channel messages', () => {
  it('reaches the members online in the channel, not the sender nor other users', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    for (const uid of ['alice', 'bob', 'dave']) await control.signaling.login(uid);
    await control.signaling.join('alice', 'lobby');
    await control.signaling.join('bob', 'lobby');

    expect(await signaling.sendChannelMessage({ from: 'alice', channel: 'lobby', payload: 'hey all' })).toMatchObject({ status: 'sent' });
    expect((await control.signaling.inbox('bob')).messages).toMatchObject([{ kind: 'channel', from: 'alice', to: 'lobby', payload: 'hey all' }]);
    expect((await control.signaling.inbox('alice')).messages).toEqual([]);
    expect((await control.signaling.inbox('dave')).messages).toEqual([]);
  });
});

describe('Signaling message history', () => {
  it('stores only messages sent with enableHistoricalMessaging and filters by source and destination', async () => {
    const { emulator } = await startEmulator({ settings: { historyReadyDelayMs: 0 } });
    const signaling = clientFor(emulator).signaling;
    await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'kept 1', enableHistoricalMessaging: true });
    await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'not kept' });
    await signaling.sendChannelMessage({ from: 'bob', channel: 'lobby', payload: 'kept 2', enableHistoricalMessaging: true });
    await signaling.sendPeerMessage({ from: 'carol', to: 'bob', payload: 'kept 3', enableHistoricalMessaging: true });

    const toBob = await signaling.fetchHistory({ destination: 'bob', ...window() });
    expect(toBob.map((m) => m.payload)).toEqual(['kept 1', 'kept 3']);
    expect(toBob[0]).toMatchObject({ from: 'alice', to: 'bob', kind: 'peer' });

    const aliceToBob = await signaling.fetchHistory({ source: 'alice', destination: 'bob', ...window() });
    expect(aliceToBob.map((m) => m.payload)).toEqual(['kept 1']);
    const lobby = await signaling.fetchHistory({ destination: 'lobby', ...window() });
    expect(lobby).toMatchObject([{ kind: 'channel', from: 'bob', to: 'lobby', payload: 'kept 2' }]);
    expect(await signaling.countHistory({ destination: 'bob', ...window() })).toBe(2);
    const past = { startTime: new Date(Date.now() - 3 * hour), endTime: new Date(Date.now() - 2 * hour) };
    expect(await signaling.countHistory({ destination: 'bob', ...past })).toBe(0);
  });

  it('pages with limit, offset and order', async () => {
    const { emulator } = await startEmulator({ settings: { historyReadyDelayMs: 0 } });
    const signaling = clientFor(emulator).signaling;
    for (let i = 0; i < 25; i++) {
      await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: `p${i}`, enableHistoricalMessaging: true });
      await new Promise((r) => setTimeout(r, 1));
    }
    const first = await signaling.fetchHistory({ destination: 'bob', ...window(), limit: 20, order: 'asc' });
    expect(first).toHaveLength(20);
    expect(first[0]?.payload).toBe('p0');
    const rest = await signaling.fetchHistory({ destination: 'bob', ...window(), limit: 20, offset: 20, order: 'asc' });
    expect(rest.map((m) => m.payload)).toEqual(['p20', 'p21', 'p22', 'p23', 'p24']);
    const newest = await signaling.fetchHistory({ destination: 'bob', ...window(), limit: 20, order: 'desc' });
    expect(newest[0]?.payload).toBe('p24');
  });

  it('says "in progress" until the query is ready, then returns the messages', async () => {
    const { emulator } = await startEmulator({ settings: { historyReadyDelayMs: 150 } });
    const signaling = clientFor(emulator).signaling;
    await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'slow', enableHistoricalMessaging: true });
    const handle = await signaling.queryHistory({ destination: 'bob', ...window() });
    expect(handle).toMatch(/^[0-9a-f]+$/);
    expect(await signaling.getHistoryPage(handle)).toEqual({ ready: false });
    await new Promise((r) => setTimeout(r, 200));
    const page = await signaling.getHistoryPage(handle);
    expect(page).toMatchObject({ ready: true, messages: [{ payload: 'slow' }] });
  });

  it('answers 410 once a handle expires, as AgoraGoneError', async () => {
    const { emulator } = await startEmulator({ settings: { historyReadyDelayMs: 0, historyHandleTtlMs: 50 } });
    const signaling = clientFor(emulator).signaling;
    const handle = await signaling.queryHistory({ destination: 'bob', ...window() });
    await new Promise((r) => setTimeout(r, 80));
    const error = await signaling.getHistoryPage(handle).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraGoneError);
    expect(error).toMatchObject({ status: 410, operation: 'signaling.getHistoryPage' });
  });
});

describe('Signaling user and channel events', () => {
  it('reports login, logout, join and leave, and removes what it returns', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.signaling.login('alice');
    await control.signaling.join('alice', 'lobby');
    await control.signaling.logout('alice');

    const users = await signaling.getUserEvents();
    expect(users.events.map((e) => [e.username, e.type])).toEqual([
      ['alice', 'login'],
      ['alice', 'logout'],
    ]);
    expect(users.events[0]!.at).toBeGreaterThan(Date.now() - 60_000);
    const channels = await signaling.getChannelEvents();
    expect(channels.events.map((e) => [e.channel, e.username, e.type])).toEqual([
      ['lobby', 'alice', 'join'],
      ['lobby', 'alice', 'leave'],
    ]);
    expect((await signaling.getUserEvents()).events).toEqual([]);
    expect((await signaling.getChannelEvents()).events).toEqual([]);
  });

  it('stores at most 2,000 events (newest replace oldest) and returns at most 1,000 per read', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    // 1,050 login/logout pairs: 2,100 events, so the 100 oldest are replaced.
    for (let i = 0; i < 1050; i++) {
      emulator.state.signaling.login(`u${i}`);
      emulator.state.signaling.logout(`u${i}`);
    }
    expect(await control.signaling.pendingEvents()).toMatchObject({ userEvents: 2000, droppedEvents: 100 });
    const first = await signaling.getUserEvents();
    expect(first.events).toHaveLength(1000);
    expect(first.events[0]).toMatchObject({ username: 'u50', type: 'login' });
    const second = await signaling.getUserEvents();
    expect(second.events).toHaveLength(1000);
    expect(second.events.at(-1)).toMatchObject({ username: 'u1049', type: 'logout' });
    expect((await signaling.getUserEvents()).events).toHaveLength(0);
  });

  it('accepts the older spellings channel_id and ts', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.addFault({
      route: 'signaling.getChannelEvents',
      status: 200,
      body: { result: 'success', request_id: '7', events: [{ channel_id: 'old', user_id: 'zed', type: 'Join', ts: 1578027418981 }] },
    });
    const batch = await signaling.getChannelEvents();
    expect(batch).toEqual({ requestId: '7', events: [{ channel: 'old', username: 'zed', type: 'join', at: 1578027418981 }] });
  });

  it('serves channel events on the /rtm/hook/ path of the seed too', async () => {
    const { emulator, control } = await startEmulator();
    await control.signaling.login('amy');
    await control.signaling.join('amy', 'den');
    const auth = `Basic ${Buffer.from(`${emulator.project.customerKey}:${emulator.project.customerSecret}`).toString('base64')}`;
    const res = await fetch(`${emulator.url}/dev/v2/project/${emulator.project.appId}/rtm/hook/channel_events`, { headers: { authorization: auth } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: 'success', events: [{ group_id: 'den', user_id: 'amy', type: 'Join' }] });
  });
});

describe('contract drift', () => {
  it('turns a 2xx body of the wrong shape into AgoraResponseShapeError naming the operation', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 200, body: { result: 'success', code: 'message_teleported' } });
    const error = await signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraResponseShapeError);
    expect((error as Error).message).toContain('signaling.sendPeerMessage');
    // The process and the client stay usable.
    expect(await signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' })).toMatchObject({ status: 'sent' });
  });
});
