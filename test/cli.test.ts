import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAgoraClient } from '../src/agora/client.ts';
import { hostPlanFromList } from '../src/agora/hosts.ts';
import { main } from '../src/main.ts';
import { postGraphQL } from './helpers/gateway.ts';
import { leftover } from './helpers/leftovers.ts';
import { cleanEnv, reportingModuleLoads, runCli } from './helpers/spawn.ts';

/** Output streams for running a command in-process. */
function captured() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}

describe('agora-graphql serve (npm start)', () => {
  it('starts on the embedded emulator with no credentials, prints the GraphiQL URL, and stops on SIGTERM', async () => {
    const run = runCli(['serve'], cleanEnv({ PORT: '0' }));
    const [, url] = await run.waitFor(/serving GraphiQL at (http:\/\/\S+\/graphql)/);
    expect(run.stdout()).toMatch(/embedded Agora emulator at http:\/\/127\.0\.0\.1:\d+/);
    // It prints development tokens signed for this process: the admin one works, and nobody is no one.
    const [, admin] = await run.waitFor(/admin: (\S+)/);
    const [, alice] = await run.waitFor(/alice \(user\): (\S+)/);
    expect((await postGraphQL(url!, '{ health agoraMode }', undefined, { token: admin })).body.data).toEqual({ health: 'ok', agoraMode: 'EMULATOR' });
    expect((await postGraphQL(url!, '{ viewer { username } }', undefined, { token: alice })).body.data).toEqual({ viewer: { username: 'alice' } });
    const anonymous = await postGraphQL(url!, '{ health agoraMode }', undefined, { token: null });
    expect(anonymous.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('as a single instance (no REDIS_URL), does not load the Redis client', async () => {
    const run = runCli(['serve'], cleanEnv({ PORT: '0', ...reportingModuleLoads('ioredis', 'graphql-yoga') }));
    const [, url] = await run.waitFor(/serving GraphiQL at (http:\/\/\S+\/graphql)/);
    expect((await postGraphQL(url!, '{ health }')).body.data).toEqual({ health: 'ok' });
    // The report works (yoga is loaded by every gateway), and names no Redis client.
    expect(run.stdout()).toContain('loading module graphql-yoga');
    expect(run.stdout()).not.toContain('loading module ioredis');
  });

  it('refuses a half-configured environment with a message naming what is missing, and no secret', async () => {
    const run = runCli(['serve'], cleanEnv({ PORT: '0', AGORA_APP_ID: 'a'.repeat(32), AGORA_CUSTOMER_SECRET: 'super-secret-value' }));
    expect(await run.exited).toBe(78);
    expect(run.stderr()).toMatch(/AGORA_CUSTOMER_KEY and AGORA_CUSTOMER_SECRET go together/);
    expect(run.stderr() + run.stdout()).not.toContain('super-secret-value');
  });
});

describe('agora-graphql emulator', () => {
  it('prints its base URL and credentials, and those credentials work', async () => {
    const run = runCli(['emulator', '--port', '0']);
    await run.waitFor(/AGORA_CHAT_APP_KEY=\S+/);
    const value = (name: string) => run.stdout().match(new RegExp(`${name}=(\\S+)`))?.[1] ?? '';
    expect(run.stdout()).toMatch(/Agora emulator listening at http:\/\/127\.0\.0\.1:\d+/);
    const client = leftover(
      createAgoraClient({
        appId: value('AGORA_APP_ID'),
        signaling: {
          hosts: hostPlanFromList([value('AGORA_RTM_HOSTS')]),
          credentials: { kind: 'basic', customerKey: value('AGORA_CUSTOMER_KEY'), customerSecret: value('AGORA_CUSTOMER_SECRET') },
        },
        chat: {
          host: value('AGORA_CHAT_HOST'),
          orgName: value('AGORA_CHAT_APP_KEY').split('#')[0]!,
          appName: value('AGORA_CHAT_APP_KEY').split('#')[1]!,
          appCertificate: value('AGORA_APP_CERTIFICATE'),
        },
      }),
      (c) => c.close(),
    );
    // The demo data has bob online, so a send that waits for the ack is delivered.
    expect(await client.signaling.sendPeerMessage({ from: 'alice', to: 'bob', payload: 'hi', waitForAck: true })).toMatchObject({ status: 'delivered' });
    expect((await client.chat!.users.register({ username: 'cli-user' })).username).toBe('cli-user');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('refuses a port that is not a number, as a configuration error (exit code 78, as tested above)', async () => {
    await expect(main(['emulator', '--port', 'abc'], captured().io)).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(/--port must be a port number/),
    });
  });
});

describe('agora-graphql print-schema and help', () => {
  it('prints the committed schema', async () => {
    const printed = captured();
    expect(await main(['print-schema'], printed.io)).toBe(0);
    expect(printed.out.stdout).toBe(await readFile(new URL('../schema.graphql', import.meta.url), 'utf8'));
  });

  it('explains itself, and refuses unknown commands with exit code 2', async () => {
    const help = captured();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out.stdout).toMatch(/Usage: agora-graphql/);
    const unknown = captured();
    expect(await main(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toMatch(/Unknown command: frobnicate/);
  });
});
