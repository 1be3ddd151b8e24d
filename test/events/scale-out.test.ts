import { describe, expect, it } from 'vitest';
import { agoraEnvironment, startEmulator } from '../helpers/agora.ts';
import { rememberGateway, TEST_API_KEY_HASH } from '../helpers/auth.ts';
import { postGraphQL, startGateway, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';
import { startRedis } from '../helpers/redis.ts';
import { cleanEnv, runCli } from '../helpers/spawn.ts';

// Long enough that a process starting under a loaded CI machine still renews in time.
const LEASE_MS = 1500;
const USER_EVENTS = 'subscription { userEvents(usernames: ["zed"]) { cursor type } }';

/** Two or more gateways on one Redis, against one Agora (an emulator), as an operator would run them. */
async function sharedSetup() {
  const redis = await startRedis();
  const { emulator, control } = await startEmulator();
  const env: Record<string, string> = {
    ...agoraEnvironment(emulator),
    REDIS_URL: redis.url,
    AUTH_API_KEY_HASHES: TEST_API_KEY_HASH,
    EVENT_POLL_INTERVAL_MS: '20',
    POLLER_LEASE_MS: String(LEASE_MS),
  };
  return { env, control, redis };
}

const pollerOf = async (graphqlUrl: string) =>
  (
    (await postGraphQL(graphqlUrl, '{ eventPoller { role eventsRead eventsPublished } }')).body.data as {
      eventPoller: { role: string; eventsRead: number; eventsPublished: number };
    }
  ).eventPoller;

describe('several gateways on one Redis', () => {
  it('poll once and deliver to subscribers of every instance; when the leader process dies, another takes over within a lease and nothing Agora held is lost', async () => {
    const { env, control } = await sharedSetup();
    // The leader: a real process, so that it can die as one does.
    const leader = runCli(['serve'], cleanEnv({ ...env, PORT: '0' }));
    const [, leaderUrl] = await leader.waitFor(/serving GraphiQL at (http:\/\/\S+\/graphql)/);
    rememberGateway(leaderUrl!);
    await expect.poll(async () => (await pollerOf(leaderUrl!)).role, { timeout: 5_000 }).toBe('LEADER');
    const standby = await startGateway(env);
    expect((await pollerOf(standby.graphqlUrl)).role).toBe('STANDBY');

    const onLeader = subscribe<{ cursor: string; type: string }>(wsClient(leaderUrl!), 'userEvents', USER_EVENTS);
    const onStandby = subscribe<{ cursor: string; type: string }>(wsClient(standby.graphqlUrl), 'userEvents', USER_EVENTS);
    await activeSubscriptions(standby.server, 1);
    await expect
      .poll(async () => (await (await fetch(leaderUrl!.replace('/graphql', '/metrics'))).text()).match(/^graphql_subscriptions_active (\d+)/m)?.[1])
      .toBe('1');

    await control.signaling.churn('zed', 50);
    const [viaLeader, viaStandby] = [await onLeader.waitFor(100), await onStandby.waitFor(100)];
    // The same events, in the same order, with the same cursors, on both instances.
    expect(viaStandby).toEqual(viaLeader);
    // Polled once: only the leader read Agora's feeds.
    expect((await pollerOf(standby.graphqlUrl)).eventsRead).toBe(0);
    expect((await pollerOf(leaderUrl!)).eventsPublished).toBeGreaterThanOrEqual(100);

    // The leader dies without a word (no lease release), while Agora keeps collecting events.
    leader.child.kill('SIGKILL');
    await leader.exited;
    await control.signaling.churn('zed', 25);
    // The standby takes the lease once the dead leader's lapses (it tries every third of a lease).
    await expect.poll(async () => (await pollerOf(standby.graphqlUrl)).role, { timeout: 10 * LEASE_MS, interval: 20 }).toBe('LEADER');
    const all = await onStandby.waitFor(150);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onStandby.events()).toHaveLength(150);
    expect(new Set(all.map((e) => e.cursor)).size).toBe(150);
    expect(all.map((e) => e.type)).toEqual(Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? 'LOGIN' : 'LOGOUT')));
    expect((await control.signaling.pendingEvents()).userEvents).toBe(0);
  });

  it('a subscriber resumes with after on another instance: the log is shared', async () => {
    const { env, control } = await sharedSetup();
    const a = await startGateway(env);
    const b = await startGateway(env);
    const first = subscribe<{ cursor: string; type: string }>(wsClient(a.graphqlUrl), 'userEvents', USER_EVENTS);
    await activeSubscriptions(a.server, 1);
    await control.signaling.login('zed');
    const [login] = await first.waitFor(1);
    first.stop();
    await control.signaling.logout('zed');
    await expect.poll(async () => (await control.signaling.pendingEvents()).userEvents).toBe(0);
    const resumed = subscribe<{ cursor: string; type: string }>(
      wsClient(b.graphqlUrl),
      'userEvents',
      'subscription ($after: String) { userEvents(usernames: ["zed"], after: $after) { cursor type } }',
      { after: login!.cursor },
    );
    expect((await resumed.waitFor(1)).map((e) => e.type)).toEqual(['LOGOUT']);
  });
});
