import type { ArchivedMessage } from '../agora/chat/messages.ts';

/**
 * What flows through the event pipeline: events from Signaling's feeds (read by the poller), from
 * Chat presence (watched), from Agora Chat's callbacks, and from the gateway's own mutations. Each is
 * stamped with a sequence number by the event log; a subscriber's cursor is that number, opaque to clients.
 */

export type GatewayEvent =
  | { kind: 'user'; type: 'login' | 'logout'; username: string; at: number }
  | { kind: 'channel'; type: 'join' | 'leave'; channel: string; username: string; at: number }
  | { kind: 'presence'; username: string; online: boolean; ext: string; at: number }
  | {
      kind: 'message';
      service: 'signaling' | 'chat';
      /** peer (Signaling) / user (Chat): `to` is the user; channel / group / room: `to` is that id. */
      target: 'peer' | 'channel' | 'user' | 'group' | 'room';
      from: string;
      to: string;
      /** Chat's message ids, when Agora gave them. */
      messageIds: string[];
      at: number;
    }
  | { kind: 'group' | 'room'; id: string; change: CollectiveChange; usernames: string[]; at: number; source?: 'callback' }
  | { kind: 'user-moderation'; username: string; change: 'banned' | 'unbanned' | 'forced-offline'; at: number }
  /** A user's profile changed (or the user came or went) through the gateway: cached reads of it are dropped. */
  | { kind: 'user-updated'; username: string; at: number }
  /** A Chat message, as Agora's post-delivery callback reported it (sent from an SDK or through REST). */
  | { kind: 'chat-message'; message: ChatMessageData; offline: boolean; source: 'callback'; at: number }
  | { kind: 'chat-recall'; messageId: string; from: string; to: string; source: 'callback'; at: number }
  /** A user's SDK acknowledged a message: it reached a device (delivery), or was read (Chat's read_ack / delivery_ack). */
  | { kind: 'chat-receipt'; receipt: 'read' | 'delivery'; messageId: string; by: string; source: 'callback'; at: number }
  /**
   * A conversation of the gateway's message store changed: a message recorded (sent through the
   * gateway, reported by a callback, or restored by reconciliation), recalled, or read up to a time.
   */
  | { kind: 'conversation'; key: string; change: ConversationChange; messageId?: string; by?: string; upTo?: number; at: number }
  /** A user started or stopped typing in a conversation (a Chat command message; never in the message store). */
  | { kind: 'typing'; key: string; username: string; typing: boolean; at: number }
  /** A user's Chat login or logout on one device, as Agora's status callback reported it. */
  | {
      kind: 'chat-user-status';
      username: string;
      status: 'online' | 'offline';
      reason: 'login' | 'logout' | 'replaced';
      device: string | undefined;
      source: 'callback';
      at: number;
    };

/** The schema's Message, as data: the same shape as a message of the hourly archive. */
export type ChatMessageData = ArchivedMessage;

export type ConversationChange = 'message' | 'recall' | 'read' | 'delivered';

export type CollectiveChange =
  'members-added' | 'members-removed' | 'admin-added' | 'admin-removed' | 'owner-transferred' | 'updated' | 'deleted' | 'disabled' | 'enabled';

export interface Sequenced {
  seq: number;
  event: GatewayEvent;
}

const CURSOR_PREFIX = 'ev:';

/** A cursor is the event's sequence number, wrapped so that clients treat it as opaque. */
let lastCursor: { seq: number; cursor: string } | undefined;

export function encodeCursor(seq: number): string {
  // An event goes to every subscriber in turn: encode its cursor once.
  if (lastCursor?.seq !== seq) lastCursor = { seq, cursor: Buffer.from(`${CURSOR_PREFIX}${seq}`).toString('base64url') };
  return lastCursor.cursor;
}

/** The sequence number of a cursor, or undefined when the text is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  if (cursor.length > 64) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const digits = text.slice(CURSOR_PREFIX.length);
  if (!/^\d{1,15}$/.test(digits)) return undefined;
  return Number(digits);
}
