/**
 * A typed client for the emulator's control API, over real HTTP. Tests use it to drive simulated SDK
 * clients, read call counters and inject faults; so can anyone testing against the emulator.
 */
import type { FaultInput } from './control.ts';
import type { EmulatorProject, EmulatorSettings } from './context.ts';
import type { ChatMessageRecord, PushRecord } from './chat/state.ts';
import type { InboxMessage, SignalingState } from './state.ts';

export type PendingEvents = ReturnType<SignalingState['pendingEvents']>;
import type { Fault, RouteCounter } from './traffic.ts';

export interface EmulatorControl {
  info(): Promise<{ project: EmulatorProject; listeners: { label: string; url: string }[]; settings: EmulatorSettings }>;
  reset(): Promise<void>;
  signaling: {
    login(uid: string): Promise<void>;
    logout(uid: string): Promise<void>;
    join(uid: string, channel: string): Promise<void>;
    leave(uid: string, channel: string): Promise<void>;
    inbox(uid: string): Promise<{ online: boolean; offlineStored: number; messages: InboxMessage[] }>;
    clearInbox(uid: string): Promise<void>;
    /** Events waiting to be read, in all regions and per region, and those dropped because a store was full. */
    pendingEvents(): Promise<PendingEvents>;
    /** Store each new event in these regions (more than one: Agora's cross-region duplicates). */
    setEventRegions(regions: string[]): Promise<void>;
    /** `times` logins and logouts of one simulated client, at once. */
    churn(uid: string, times: number): Promise<void>;
  };
  chat: {
    /** A simulated SDK client connects as `username` (online; offline messages delivered). */
    connect(username: string): Promise<void>;
    disconnect(username: string): Promise<void>;
    /** A simulated client sets its presence (status "1" online, "0" offline, or any custom value). */
    setPresence(username: string, presence: { status: string; resource?: string; ext?: string }): Promise<void>;
    /** What the user's simulated devices received, and how many messages wait for them offline. */
    inbox(username: string): Promise<{ online: boolean; offlineStored: number; messages: ChatMessageRecord[] }>;
    /** Push notifications the emulator delivered, oldest first. */
    pushes(): Promise<PushRecord[]>;
    /** Every Chat app token accepted so far now answers 401 "expired access token". */
    expireTokens(): Promise<void>;
    /** Where the emulator POSTs Chat callbacks (at most 4 rules, as in the Console). */
    setCallbackRules(rules: { url: string; secret: string; events?: ('message' | 'recall' | 'status' | 'receipt')[] }[]): Promise<void>;
    /** The user's simulated SDK client reads a message it received (a read_ack callback). */
    read(username: string, messageId: string): Promise<void>;
    /** The next `times` callbacks (messages, recalls, logins) are lost, as Agora drops one whose retry failed too. */
    dropCallbacks(times: number): Promise<void>;
    /** Callbacks delivered, retried once, and dropped after the retry failed. */
    callbackStats(): Promise<{ rules: { url: string }[]; delivered: number; retried: number; dropped: number }>;
    /** A simulated SDK client sends a text message, or a command message (`action`). */
    send(
      username: string,
      message: { to: string; chatType?: 'chat' | 'groupchat' | 'chatroom' } & ({ text: string } | { action: string }),
    ): Promise<{ messageId: string }>;
  };
  calls(): Promise<Record<string, RouteCounter>>;
  /** TCP connections each listener accepted (control calls included). */
  connections(): Promise<Record<string, number>>;
  /** Calls of one route (0 when it was never called). */
  callCount(route: string, listener?: string): Promise<number>;
  clearCalls(): Promise<void>;
  addFault(fault: FaultInput): Promise<Fault>;
  clearFaults(): Promise<void>;
  setLatency(ms: number): Promise<void>;
  updateSettings(settings: Partial<EmulatorSettings>): Promise<EmulatorSettings>;
}

export function createEmulatorControl(baseUrl: string): EmulatorControl {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`emulator control ${method} ${path} answered ${res.status}: ${json.error ?? ''}`);
    return json;
  }
  const enc = encodeURIComponent;
  const calls = async () => (await call<{ routes: Record<string, RouteCounter> }>('GET', '/calls')).routes;

  return {
    info: () => call('GET', ''),
    reset: async () => void (await call('POST', '/reset')),
    signaling: {
      login: async (uid) => void (await call('POST', `/signaling/clients/${enc(uid)}/login`)),
      logout: async (uid) => void (await call('POST', `/signaling/clients/${enc(uid)}/logout`)),
      join: async (uid, channel) => void (await call('POST', `/signaling/clients/${enc(uid)}/channels/${enc(channel)}`)),
      leave: async (uid, channel) => void (await call('DELETE', `/signaling/clients/${enc(uid)}/channels/${enc(channel)}`)),
      inbox: (uid) => call('GET', `/signaling/clients/${enc(uid)}/inbox`),
      clearInbox: async (uid) => void (await call('DELETE', `/signaling/clients/${enc(uid)}/inbox`)),
      pendingEvents: () => call('GET', '/signaling/events'),
      setEventRegions: async (regions) => void (await call('PUT', '/signaling/event-regions', { regions })),
      churn: async (uid, times) => void (await call('POST', `/signaling/clients/${enc(uid)}/churn`, { times })),
    },
    chat: {
      connect: async (u) => void (await call('POST', `/chat/users/${enc(u)}/connect`)),
      disconnect: async (u) => void (await call('POST', `/chat/users/${enc(u)}/disconnect`)),
      inbox: (u) => call('GET', `/chat/users/${enc(u)}/inbox`),
      pushes: async () => (await call<{ pushes: PushRecord[] }>('GET', '/chat/pushes')).pushes,
      setPresence: async (u, presence) => void (await call('POST', `/chat/users/${enc(u)}/presence`, presence)),
      expireTokens: async () => void (await call('POST', '/chat/tokens/expire')),
      setCallbackRules: async (rules) => void (await call('PUT', '/chat/callbacks', { rules })),
      callbackStats: () => call('GET', '/chat/callbacks'),
      dropCallbacks: async (times) => void (await call('POST', '/chat/callbacks/drop', { times })),
      read: async (username, messageId) => void (await call('POST', `/chat/users/${enc(username)}/read`, { messageId })),
      send: (username, message) => call('POST', `/chat/users/${enc(username)}/messages`, message),
    },
    calls,
    connections: async () => (await call<{ connections: Record<string, number> }>('GET', '/calls')).connections,
    async callCount(route, listener) {
      const counter = (await calls())[route];
      if (!counter) return 0;
      return listener ? (counter.byListener[listener] ?? 0) : counter.total;
    },
    clearCalls: async () => void (await call('DELETE', '/calls')),
    addFault: async (fault) => (await call<{ fault: Fault }>('POST', '/faults', fault)).fault,
    clearFaults: async () => void (await call('DELETE', '/faults')),
    setLatency: async (ms) => void (await call('PUT', '/latency', { ms })),
    updateSettings: async (settings) => (await call<{ settings: EmulatorSettings }>('PUT', '/settings', settings)).settings,
  };
}
