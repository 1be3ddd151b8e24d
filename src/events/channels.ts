/**
 * Who is in which Signaling channel, as the poller's join and leave events tell it. Agora's REST API
 * cannot list a channel's members, so this is what the gateway knows: joins and leaves it has read since
 * it started (every instance reads them all from the event log). The rules use it for `channelEvents`.
 */
import type { GatewayEvent } from './types.ts';

export interface ChannelMembership {
  observe(event: GatewayEvent): void;
  isIn(username: string, channel: string): boolean;
}

export function createChannelMembership(maxUsers = 100_000): ChannelMembership {
  const byUser = new Map<string, Set<string>>();
  return {
    observe(event) {
      if (event.kind === 'channel') {
        let channels = byUser.get(event.username);
        if (event.type === 'join') {
          if (!channels) {
            if (byUser.size >= maxUsers) byUser.delete(byUser.keys().next().value!);
            byUser.set(event.username, (channels = new Set()));
          }
          channels.add(event.channel);
        } else {
          channels?.delete(event.channel);
        }
      } else if (event.kind === 'user' && event.type === 'logout') {
        // Logging out leaves every channel (seed 002 records the leaves too).
        byUser.delete(event.username);
      }
    },
    isIn: (username, channel) => byUser.get(username)?.has(channel) ?? false,
  };
}
