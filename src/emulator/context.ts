import type { EmulatorState } from './state.ts';
import type { Traffic } from './traffic.ts';

/** The credentials of the emulated project: what the gateway (or any Agora client) must present. */
export interface EmulatorProject {
  appId: string;
  appCertificate: string;
  customerKey: string;
  customerSecret: string;
  /** Agora Chat's org and app names; the app key is `org#app`. */
  chatOrg: string;
  chatApp: string;
}

export interface EmulatorSettings {
  /** Answer 429 past the documented rate limits. */
  rateLimits: boolean;
  /** How long a history query stays "in progress". */
  historyReadyDelayMs: number;
  /** How long a history handle can be read before it answers 410. */
  historyHandleTtlMs: number;
  /** How long after sending a Chat message can still be recalled (Agora's default: 2 minutes). */
  recallWindowMs: number;
  /** How long a push task (by label, or to everyone) stays ongoing; at most 3 run at once. */
  pushTaskDurationMs: number;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  rateLimits: true,
  historyReadyDelayMs: 100,
  historyHandleTtlMs: 5 * 60_000,
  recallWindowMs: 2 * 60_000,
  pushTaskDurationMs: 2000,
};

/** What every handler of the emulator reads: state is replaced on reset, so read it at call time. */
export interface EmulatorContext {
  project: EmulatorProject;
  state: EmulatorState;
  settings: EmulatorSettings;
  traffic: Traffic;
  listeners(): { label: string; url: string }[];
  /** Chat callbacks sent, retried and dropped (src/emulator/chat/callbacks.ts). */
  callbackStats(): { delivered: number; retried: number; dropped: number };
  /** The next `times` callbacks are lost, as Agora drops one whose retry failed too. */
  dropCallbacks(times: number): void;
}

/**
 * Fixed development credentials of the embedded emulator. They are printed by `agora-graphql emulator`
 * and are not secrets: the emulator only ever listens on the machine it runs on unless told otherwise.
 */
export const DEV_PROJECT: EmulatorProject = {
  appId: '0e6d0c3b5a9f4d1e8c7b6a5f4e3d2c1b',
  appCertificate: 'f1e2d3c4b5a69788796a5b4c3d2e1f00',
  customerKey: 'emulator-customer-key',
  customerSecret: 'emulator-customer-secret',
  chatOrg: 'emulator-org',
  chatApp: 'demo',
};
