/**
 * Demo data for `npm start`: a few simulated Signaling users online in channels, with messages in their
 * inboxes and in history, so that GraphiQL has something to show on a fresh machine.
 */
import type { EmulatorState } from './state.js';

export const DEMO_USERS = ['alice', 'bob', 'carol', 'dave'] as const;
export const DEMO_CHANNELS = ['lobby', 'support'] as const;

export function seedDemoData(state: EmulatorState): void {
  const rtm = state.rtm;
  for (const uid of ['alice', 'bob', 'carol']) rtm.login(uid);
  rtm.join('alice', 'lobby');
  rtm.join('bob', 'lobby');
  rtm.join('carol', 'support');
  const now = Date.now();
  const history: [string, string, 'peer_message' | 'channel_message', string][] = [
    ['alice', 'bob', 'peer_message', 'Hi Bob, are you joining the call?'],
    ['bob', 'alice', 'peer_message', 'Yes, in five minutes.'],
    ['alice', 'lobby', 'channel_message', 'Welcome to the lobby!'],
    ['carol', 'support', 'channel_message', 'Support is open.'],
  ];
  history.forEach(([src, dst, type, payload], i) => {
    const ms = now - (history.length - i) * 60_000;
    rtm.storeHistory({ src, dst, message_type: type, payload, ms });
    if (type === 'peer_message') rtm.deliverPeer({ from: src, to: dst, payload, at: ms }, true);
    else rtm.deliverChannel({ from: src, to: dst, payload, at: ms });
  });
}
