import { describe, expect, it } from 'vitest';
import { agoraEnvironment, startEmulator } from './helpers/agora.ts';
import { postGraphQL, startGateway } from './helpers/gateway.ts';

/** The environment an operator would set, pointed at an emulator instead of Agora's hosts. */
async function agoraSetup(auth: 'basic' | 'token') {
  const { emulator, control } = await startEmulator();
  return { env: agoraEnvironment(emulator, { signalingAuth: auth }), control };
}

describe('the gateway with Agora credentials (the same code that talks to Agora)', () => {
  it.each(['basic', 'token'] as const)('sends and manages through configured hosts with %s auth', async (auth) => {
    const { env, control } = await agoraSetup(auth);
    const { graphqlUrl, emulatorUrl } = await startGateway(env);
    expect(emulatorUrl).toBeUndefined();
    const mode = await postGraphQL(graphqlUrl, '{ agoraMode }');
    expect(mode.body.data).toEqual({ agoraMode: 'AGORA' });

    await control.signaling.login('bob');
    const sent = await postGraphQL(graphqlUrl, 'mutation { sendPeerMessage(input: { from: "alice", to: "bob", payload: "hi", waitForAck: true }) { status } }');
    expect(sent.body.data).toEqual({ sendPeerMessage: { status: 'DELIVERED' } });
    expect((await control.signaling.inbox('bob')).messages).toMatchObject([{ from: 'alice', payload: 'hi' }]);

    const registered = await postGraphQL(graphqlUrl, 'mutation { registerUser(input: { username: "fresh" }) { username activated } }');
    expect(registered.body.data).toEqual({ registerUser: { username: 'fresh', activated: true } });
    // No demo data outside emulator mode: the app holds only what was made.
    const users = await postGraphQL(graphqlUrl, '{ users(first: 10) { edges { node { username } } } }');
    expect(users.body.data).toEqual({ users: { edges: [{ node: { username: 'fresh' } }] } });
  });
});
