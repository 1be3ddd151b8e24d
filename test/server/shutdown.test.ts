import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rememberGateway, TEST_API_KEY_HASH } from '../helpers/auth.ts';
import { postGraphQL, wsClient } from '../helpers/gateway.ts';
import { cleanEnv, runCli } from '../helpers/spawn.ts';

/** A POST on a connection of its own (no keep-alive pool), so a refused connection shows as one. */
function freshPost(url: string, query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, answers every request in flight in full, closes subscriptions with 1001, and exits 0', async () => {
    const run = runCli(['serve'], cleanEnv({ PORT: '0', SHUTDOWN_TIMEOUT_MS: '20000', AUTH_API_KEY_HASHES: TEST_API_KEY_HASH }));
    const [, url] = await run.waitFor(/serving GraphiQL at (http:\/\/\S+\/graphql)/);
    rememberGateway(url!);
    const [, emulatorUrl] = await run.waitFor(/embedded Agora emulator at (http:\/\/\S+)/);
    // Every upstream call now takes 1.5 s: requests are still in flight when SIGTERM comes.
    await fetch(`${emulatorUrl}/_emulator/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 1500 }) });

    const socket = wsClient(url!);
    const closed = new Promise<number>((resolve) => socket.on('closed', (event) => resolve((event as { code: number }).code)));
    const subscribed = new Promise<void>((resolve) => {
      socket.subscribe(
        { query: 'subscription { heartbeat(intervalSeconds: 1) { sequence } }' },
        { next: () => resolve(), error: () => undefined, complete: () => undefined },
      );
    });
    await subscribed;

    const slow = Array.from({ length: 20 }, (_, i) =>
      postGraphQL(url!, `{ user(username: "${['alice', 'bob', 'carol', 'dave', 'erin'][i % 5]}") { username nickname } }`),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGTERM');

    const answers = await Promise.all(slow);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toMatchObject({ user: { nickname: expect.any(String) } });
    }
    expect(await closed).toBe(1001);
    await expect(freshPost(url!, '{ health }')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    expect(await run.exited).toBe(0);
  });
});
