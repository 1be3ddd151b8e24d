import { describe, expect, it } from 'vitest';
import { buildLegacyRtmToken, buildRtmToken } from '../../src/agora/access-token.ts';
import { AgoraAuthenticationError } from '../../src/agora/errors.ts';
import { createSignalingAuth } from '../../src/agora/auth.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const tokenCredentials = (project: { appId: string; appCertificate: string }) => ({
  kind: 'token' as const,
  appId: project.appId,
  appCertificate: project.appCertificate,
  serviceUid: 'gateway',
});

async function rawSend(url: string, appId: string, from: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/dev/v2/project/${appId}/rtm/users/${encodeURIComponent(from)}/peer_messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=utf-8', ...headers },
    body: JSON.stringify({ destination: 'bob', payload: 'hi' }),
  });
  return { status: res.status, body: (await res.json()) as { message?: string } };
}

describe('Signaling auth', () => {
  it('accepts Basic auth with the customer key and secret, sending as any uid', async () => {
    const { emulator } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    expect(await signaling.sendPeerMessage({ from: 'anyone', to: 'bob', payload: 'x' })).toMatchObject({ status: 'sent' });
    expect(await signaling.sendPeerMessage({ from: 'someone else', to: 'bob', payload: 'x' })).toMatchObject({ status: 'sent' });
  });

  it('refuses a wrong customer secret with 401, and keeps the secret out of the error', async () => {
    const { emulator } = await startEmulator();
    const signaling = clientFor(emulator, {
      credentials: { kind: 'basic', customerKey: emulator.project.customerKey, customerSecret: 'wrong-secret-value' },
    }).signaling;
    const error = await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraAuthenticationError);
    expect(error).toMatchObject({ status: 401, operation: 'signaling.sendPeerMessage' });
    expect(JSON.stringify({ message: (error as Error).message, body: (error as AgoraAuthenticationError).body })).not.toContain('wrong-secret-value');
  });

  it('sends with token auth: the client mints an RTM token for each sender', async () => {
    const { emulator } = await startEmulator();
    const signaling = clientFor(emulator, { credentials: tokenCredentials(emulator.project) }).signaling;
    expect(await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x' })).toMatchObject({ status: 'sent' });
    expect(await signaling.sendChannelMessage({ from: 'bob', channel: 'lobby', payload: 'x' })).toMatchObject({ status: 'sent' });
    // Reads that are not made as a user go as the service uid.
    expect((await signaling.getUserEvents()).events).toEqual([]);
  });

  it("keeps a bounded number of senders' tokens: the least recently used go, and come back when needed", async () => {
    const auth = createSignalingAuth({ ...tokenCredentials({ appId: 'a'.repeat(32), appCertificate: 'c'.repeat(32) }), maxCachedTokens: 3 });
    const headersOf = async (uid: string) => (await auth.forUser(uid).headers())['x-agora-token'];
    for (let i = 0; i < 50; i++) await headersOf(`u${i}`);
    expect(auth.cachedTokens()).toBe(3);
    // u0 was let go long ago: asked for again, it gets a token minted anew, and the cache stays bounded.
    expect(await headersOf('u0')).toMatch(/^007/);
    expect(auth.cachedTokens()).toBe(3);
  });

  it('refuses tokens signed with another certificate', async () => {
    const { emulator } = await startEmulator();
    const signaling = clientFor(emulator, {
      credentials: { ...tokenCredentials(emulator.project), appCertificate: '0'.repeat(32) },
    }).signaling;
    const error = await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgoraAuthenticationError);
    expect((error as Error).message).toMatch(/not signed for this project/);
  });

  it('with token auth, sends only as the uid the token was built for', async () => {
    const { emulator } = await startEmulator();
    const { appId, appCertificate } = emulator.project;
    const token = buildRtmToken({ appId, appCertificate, userId: 'alice', expireSeconds: 600 });
    const asAlice = await rawSend(emulator.url, appId, 'alice', { 'x-agora-token': token, 'x-agora-uid': 'alice' });
    expect(asAlice.status).toBe(200);
    const asMallory = await rawSend(emulator.url, appId, 'mallory', { 'x-agora-token': token, 'x-agora-uid': 'alice' });
    expect(asMallory.status).toBe(401);
    expect(asMallory.body.message).toMatch(/only be sent as the uid/);
    const uidMismatch = await rawSend(emulator.url, appId, 'mallory', { 'x-agora-token': token, 'x-agora-uid': 'mallory' });
    expect(uidMismatch.status).toBe(401);
  });

  it('accepts the older 006 RTM token and refuses an expired one', async () => {
    const { emulator } = await startEmulator();
    const { appId, appCertificate } = emulator.project;
    const now = Math.floor(Date.now() / 1000);
    const valid = buildLegacyRtmToken({ appId, appCertificate, userAccount: 'alice', privilegeExpiredTs: now + 600 });
    expect((await rawSend(emulator.url, appId, 'alice', { 'x-agora-token': valid, 'x-agora-uid': 'alice' })).status).toBe(200);
    const expired = buildLegacyRtmToken({ appId, appCertificate, userAccount: 'alice', privilegeExpiredTs: now - 10 });
    const res = await rawSend(emulator.url, appId, 'alice', { 'x-agora-token': expired, 'x-agora-uid': 'alice' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
    const expired2 = buildRtmToken({ appId, appCertificate, userId: 'alice', expireSeconds: 60, issueTs: now - 120 });
    expect((await rawSend(emulator.url, appId, 'alice', { 'x-agora-token': expired2, 'x-agora-uid': 'alice' })).status).toBe(401);
  });

  it('refuses requests without credentials, with half a token, or with garbage', async () => {
    const { emulator } = await startEmulator();
    const { appId } = emulator.project;
    expect((await rawSend(emulator.url, appId, 'alice', {})).status).toBe(401);
    expect((await rawSend(emulator.url, appId, 'alice', { 'x-agora-uid': 'alice' })).status).toBe(401);
    const garbage = await rawSend(emulator.url, appId, 'alice', { 'x-agora-token': '007garbage', 'x-agora-uid': 'alice' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.message).toMatch(/cannot be decoded/);
  });

  it('renews a token after a 401 and retries once', async () => {
    const { emulator, control } = await startEmulator();
    const signaling = clientFor(emulator, { credentials: tokenCredentials(emulator.project) }).signaling;
    await control.addFault({ route: 'signaling.sendPeerMessage', status: 401 });
    expect(await signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'x' })).toMatchObject({ status: 'sent' });
    expect(await control.callCount('signaling.sendPeerMessage')).toBe(2);
  });
});
