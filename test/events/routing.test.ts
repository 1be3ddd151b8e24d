import { describe, expect, it } from 'vitest';
import { routingKey, routingKeyOf } from '../../src/events/routing.ts';
import type { GatewayEvent } from '../../src/events/types.ts';

/**
 * A subscription registered for routing keys hears only events with one of them, so each key must be
 * what the subscriptions' filters look at: the user of user, moderation, profile, presence and Chat
 * status events, the channel of channel events, the group or room of collective events.
 */
describe('routing keys', () => {
  const cases: [GatewayEvent, string | undefined][] = [
    [{ kind: 'user', type: 'login', username: 'ann', at: 1 }, routingKey.user('ann')],
    [{ kind: 'user-moderation', username: 'ann', change: 'banned', at: 1 }, routingKey.user('ann')],
    [{ kind: 'user-updated', username: 'ann', at: 1 }, routingKey.user('ann')],
    [{ kind: 'presence', username: 'ann', online: true, ext: '', at: 1 }, routingKey.user('ann')],
    [{ kind: 'chat-user-status', username: 'ann', status: 'online', reason: 'login', device: undefined, source: 'callback', at: 1 }, routingKey.user('ann')],
    [{ kind: 'channel', type: 'join', channel: 'lobby', username: 'ann', at: 1 }, routingKey.channel('lobby')],
    [{ kind: 'group', id: '42', change: 'updated', usernames: [], at: 1 }, routingKey.collective('group', '42')],
    [{ kind: 'room', id: '42', change: 'updated', usernames: [], at: 1 }, routingKey.collective('room', '42')],
    // Messages are filtered by sender, target and conversation at once: offered to every message subscriber.
    [{ kind: 'message', service: 'chat', target: 'user', from: 'ann', to: 'bob', messageIds: [], at: 1 }, undefined],
  ];
  it.each(cases)('%j is routed by %j', (event, key) => {
    expect(routingKeyOf(event)).toBe(key);
  });

  it('keeps the kinds of key apart: a user, a channel and a group named alike are three keys', () => {
    expect(new Set([routingKey.user('x'), routingKey.channel('x'), routingKey.collective('group', 'x'), routingKey.collective('room', 'x')]).size).toBe(4);
  });
});
