import { describe, expect, it } from 'vitest';
import { postGraphQL, startGateway } from '../helpers/gateway.ts';

describe('the probes: /healthz and /readyz', () => {
  it('answers the probes', async () => {
    const { graphqlUrl } = await startGateway();
    const base = graphqlUrl.replace(/\/graphql$/, '');
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      mode: 'emulator',
      upstream: { chat: { state: 'unknown' } },
      poller: { role: 'leader' },
      redis: 'not configured',
    });
  });

  it('reports in /readyz whether Agora answered the last call of each service, from the calls it makes anyway', async () => {
    const { graphqlUrl, server } = await startGateway({ AGORA_RETRY_UNIT_MS: '5' });
    const readyz = async () =>
      (await (await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'))).json()) as {
        upstream: Record<string, { state: string; operation?: string; outcome?: string }>;
      };
    await postGraphQL(graphqlUrl, '{ user(username: "alice") { nickname } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'reachable', operation: 'chat.users.get', outcome: '200' });
    // Every Chat call now has its connection reset before Agora answers.
    await fetch(`${server.emulator!.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'chat.users.get', reset: 'before', times: 10 }),
    });
    await postGraphQL(graphqlUrl, '{ user(username: "bob") { nickname } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'unreachable', operation: 'chat.users.get', outcome: 'network' });
    // An HTTP error is an answer: Agora is there.
    await fetch(`${server.emulator!.url}/_emulator/faults`, { method: 'DELETE' });
    await postGraphQL(graphqlUrl, '{ group(groupId: "404404") { name } }');
    expect((await readyz()).upstream.chat).toMatchObject({ state: 'reachable', outcome: '404' });
    // Signaling is called by the event poller alone here, and answers it.
    expect((await readyz()).upstream.signaling).toMatchObject({ state: 'reachable', operation: expect.stringMatching(/^signaling\.get(User|Channel)Events$/) });
  });
});
