import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { createRefreshingToken } from '../../src/agora/auth.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

describe('the HTTP layer', () => {
  it('is the only module that imports undici', async () => {
    const root = new URL('../../src/', import.meta.url).pathname;
    const importers: string[] = [];
    for (const file of await sourceFiles(root)) {
      if (/from ['"]undici['"]/.test(await readFile(file, 'utf8'))) importers.push(file.slice(root.length));
    }
    expect(importers).toEqual(['agora/http.ts']);
  });

  it('builds each host dispatcher with the injected factory, once per origin, with explicit timeouts', async () => {
    const { emulator } = await startEmulator();
    const made: { origin: string; headersTimeout: number | undefined; connectTimeout: unknown }[] = [];
    const client = clientFor(emulator, {
      timeouts: { connectMs: 1234, headersMs: 2345, bodyMs: 3456 },
      dispatcherFactory: (origin, defaults) => {
        const connect = defaults.connect as { timeout?: number } | undefined;
        made.push({ origin, headersTimeout: defaults.headersTimeout, connectTimeout: connect?.timeout });
        return new Pool(origin, defaults);
      },
    });
    await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: 'x' });
    await client.signaling.sendChannelMessage({ from: 'a', channel: 'c', payload: 'x' });
    expect(made).toEqual([{ origin: emulator.url, headersTimeout: 2345, connectTimeout: 1234 }]);
  });

  it('reuses keep-alive connections instead of opening one per call', async () => {
    const { emulator } = await startEmulator({ labels: ['upstream', 'control'] });
    const client = clientFor(emulator, { hosts: [emulator.listeners()[0]!.url] });
    for (let i = 0; i < 200; i++) await client.signaling.sendPeerMessage({ from: 'a', to: 'b', payload: `${i}` });
    // The pool may open a second connection while the first is being released; never one per call.
    expect(emulator.traffic.connections.upstream).toBeLessThanOrEqual(2);
  });
});

describe('refreshing tokens', () => {
  it('mints once for concurrent callers and renews at half the lifetime', async () => {
    let now = 0;
    let mints = 0;
    const token = createRefreshingToken(
      async () => {
        mints++;
        await new Promise((r) => setTimeout(r, 5));
        return { value: `t${mints}`, expiresAt: now + 1000 };
      },
      { now: () => now },
    );
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(['t1', 't1', 't1']);
    now = 499;
    expect(await token.get()).toBe('t1');
    now = 500;
    expect(await token.get()).toBe('t2');
    token.invalidate();
    expect(await token.get()).toBe('t3');
    expect(mints).toBe(3);
  });

  it('does not cache a failed mint', async () => {
    let attempt = 0;
    const token = createRefreshingToken(async () => {
      attempt++;
      if (attempt === 1) throw new Error('certificate store unavailable');
      return { value: 'ok', expiresAt: Date.now() + 60_000 };
    });
    await expect(token.get()).rejects.toThrow('certificate store unavailable');
    expect(await token.get()).toBe('ok');
  });
});

describe('Chat app auth', () => {
  it('sends a Bearer AccessToken2 Chat app token, capped at 24 h, and mints a new one after refresh()', async () => {
    const { createChatAppAuth } = await import('../../src/agora/auth.ts');
    const { decodeAccessToken2, ChatPrivilege } = await import('../../src/agora/access-token.ts');
    const appId = '970ca35de60c44645bbae8a215061b33';
    const appCertificate = '5cfd2fd1755d40ecb72977518be15d3b';
    const auth = createChatAppAuth({ appId, appCertificate, ttlSeconds: 48 * 3600 });
    const first = (await auth.headers()).authorization!;
    expect(first).toMatch(/^Bearer 007/);
    const decoded = decodeAccessToken2(first.slice('Bearer '.length), appCertificate);
    expect(decoded).toMatchObject({ appId, signatureValid: true, expireSeconds: 24 * 3600 });
    expect(decoded.services).toEqual([{ type: 'chat', userId: '', privileges: new Map([[ChatPrivilege.app, 24 * 3600]]) }]);
    expect((await auth.headers()).authorization).toBe(first);
    await auth.refresh!();
    // A new mint has a new salt, so the token differs.
    expect((await auth.headers()).authorization).not.toBe(first);
  });

  it('answers the headers of a fresh token at once, one object for every call until the token changes', async () => {
    const { createChatAppAuth } = await import('../../src/agora/auth.ts');
    const auth = createChatAppAuth({ appId: '970ca35de60c44645bbae8a215061b33', appCertificate: '5cfd2fd1755d40ecb72977518be15d3b' });
    // The first call mints, so it waits; every later one answers without a promise.
    const minted = await auth.headers();
    const again = auth.headers();
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toBe(minted);
    await auth.refresh!();
    const renewed = await auth.headers();
    expect(renewed).not.toBe(minted);
    expect(auth.headers()).toBe(renewed);
  });
});
