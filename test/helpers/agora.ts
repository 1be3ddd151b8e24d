import type { LookupFunction } from 'node:net';
import { createAgoraClient, type AgoraClient, type AgoraClientOptions } from '../../src/agora/client.ts';
import type { SignalingCredentials } from '../../src/agora/auth.ts';
import { hostPlanFromList } from '../../src/agora/hosts.ts';
import { createEmulatorControl, type EmulatorControl } from '../../src/emulator/control-client.ts';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.ts';
import { leftover } from './leftovers.ts';

export interface TestEmulator {
  emulator: Emulator;
  control: EmulatorControl;
  url: string;
}

/** An emulator on an ephemeral port (or several labelled listeners), disposed after the test. */
export async function startEmulator(options: EmulatorOptions & { labels?: string[] } = {}): Promise<TestEmulator> {
  const emulator = leftover(createEmulator(options), (e) => e.close());
  for (const label of options.labels ?? ['primary']) await emulator.listen({ label });
  return { emulator, control: createEmulatorControl(emulator.url), url: emulator.url };
}

export const basicCredentials = (emulator: Emulator): SignalingCredentials => ({
  kind: 'basic',
  customerKey: emulator.project.customerKey,
  customerSecret: emulator.project.customerSecret,
});

/** A client against the emulator, retrying on a 5 ms unit instead of seed 000's second. */
export function clientFor(
  emulator: Emulator,
  overrides: Partial<AgoraClientOptions> & { hosts?: string[]; credentials?: SignalingCredentials; lookup?: LookupFunction } = {},
): AgoraClient {
  const { hosts, credentials, ...rest } = overrides;
  return leftover(
    createAgoraClient({
      appId: emulator.project.appId,
      signaling: {
        hosts: hostPlanFromList(hosts ?? [emulator.url]),
        credentials: credentials ?? basicCredentials(emulator),
      },
      chat: {
        host: emulator.url,
        orgName: emulator.project.chatOrg,
        appName: emulator.project.chatApp,
        appCertificate: emulator.project.appCertificate,
      },
      retryUnitMs: 5,
      ...rest,
    }),
    (c) => c.close(),
  );
}

/** The Chat client of a test client (always configured against the emulator). */
export function chatOf(client: AgoraClient) {
  if (!client.chat) throw new Error('the test client has no Chat configuration');
  return client.chat;
}

/** The event poller's routes: it reads them beside any request, so they are no request's calls. */
const POLLER_ROUTES = new Set(['signaling.getUserEvents', 'signaling.getChannelEvents']);

/** Calls that reached the emulator, by route, leaving out the event poller's reads. */
export async function requestCalls(control: EmulatorControl): Promise<Record<string, number>> {
  const calls = await control.calls();
  return Object.fromEntries(
    Object.entries(calls)
      .filter(([route]) => !POLLER_ROUTES.has(route))
      .map(([route, c]) => [route, c.total]),
  );
}

/**
 * The environment an operator would set for Agora, pointed at this emulator instead of Agora's hosts:
 * Signaling and Chat credentials, the emulator as every host, fast retries. `signalingAuth: 'token'` leaves
 * out the customer key and secret (Signaling then signs tokens with the app certificate).
 */
export function agoraEnvironment(emulator: Emulator, options: { signalingAuth?: 'basic' | 'token' } = {}): Record<string, string> {
  const p = emulator.project;
  return {
    AGORA_APP_ID: p.appId,
    AGORA_APP_CERTIFICATE: p.appCertificate,
    AGORA_RTM_HOSTS: emulator.url,
    AGORA_CHAT_HOST: emulator.url,
    AGORA_CHAT_APP_KEY: `${p.chatOrg}#${p.chatApp}`,
    AGORA_RETRY_UNIT_MS: '5',
    ...(options.signalingAuth === 'token' ? {} : { AGORA_CUSTOMER_KEY: p.customerKey, AGORA_CUSTOMER_SECRET: p.customerSecret }),
  };
}
