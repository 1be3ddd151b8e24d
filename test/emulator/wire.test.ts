import { describe, expect, it } from 'vitest';
import { startEmulator } from '../helpers/agora.ts';

/**
 * The emulator's raw answers, compared with the examples of seed 001 (Signaling peer and channel
 * messages) as they are printed there: the same keys and values, not only what the client reads.
 */
async function signaling() {
  const t = await startEmulator();
  const { appId, customerKey, customerSecret } = t.emulator.project;
  const authorization = `Basic ${Buffer.from(`${customerKey}:${customerSecret}`).toString('base64')}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${t.url}/dev/v2/project/${appId}/rtm${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json;charset=utf-8', authorization },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return { ...t, post };
}

/** Seed 001's request bodies, as printed. */
const PEER_EXAMPLE = { destination: 'userB', enable_offline_messaging: false, enable_historical_messaging: false, payload: 'Hello' };
const CHANNEL_EXAMPLE = { channel_name: 'channelA', enable_historical_messaging: false, payload: 'Hello' };

describe("the emulator's Signaling answers, against seed 001's examples", () => {
  it('"The message has been sent": result, request_id and code message_sent', async () => {
    const { post } = await signaling();
    const res = await post('/users/userA/peer_messages', PEER_EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: 'success', request_id: expect.any(String), code: 'message_sent' });
  });

  it('"The message has been received": code message_delivered when wait_for_ack=true and the receiver is online', async () => {
    const { post, control } = await signaling();
    await control.signaling.login('userB');
    const res = await post('/users/userA/peer_messages?wait_for_ack=true', PEER_EXAMPLE);
    expect(res.body).toEqual({ result: 'success', request_id: expect.any(String), code: 'message_delivered' });
  });

  it('"The receiver is offline": request_id and code message_offline, and no result, as the seed prints it', async () => {
    const { post } = await signaling();
    const res = await post('/users/userA/peer_messages?wait_for_ack=true', PEER_EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ request_id: expect.any(String), code: 'message_offline' });
  });

  it('a channel message: code message_sent, request_id, result success', async () => {
    const { post } = await signaling();
    const res = await post('/users/userA/channel_messages', CHANNEL_EXAMPLE);
    expect(res.body).toEqual({ code: 'message_sent', request_id: expect.any(String), result: 'success' });
  });

  it('answers 400 to what seed 001 rules out, each on its own', async () => {
    const { post } = await signaling();
    const refused = [
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, destination: '' }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, destination: 'u'.repeat(65) }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, destination: 'user*B' }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, payload: '' }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, payload: 'x'.repeat(32 * 1024 + 1) }],
      ['/users/%20userA/peer_messages', PEER_EXAMPLE],
      ['/users/userA/channel_messages', { ...CHANNEL_EXAMPLE, channel_name: 'c'.repeat(65) }],
    ] as const;
    for (const [path, body] of refused) expect((await post(path, body)).status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
    // And what it allows: every listed symbol, a space inside a body id, exactly 64 characters, exactly 32 KB.
    const allowed = [
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, destination: "a!#$%&()+-:;<=.>?@[]^_{}|~,' b" }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, destination: 'u'.repeat(64) }],
      ['/users/userA/peer_messages', { ...PEER_EXAMPLE, payload: 'x'.repeat(32 * 1024) }],
    ] as const;
    for (const [path, body] of allowed) expect((await post(path, body)).status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(200);
  });
});
