/**
 * What feeds the message store besides reconciliation: Chat's callbacks (messages and recalls from SDK
 * clients and REST, published into the event pipeline and heard by every instance; the store keeps one
 * copy) and the gateway's own sends and recalls (recorded where they are made, so that a gateway without
 * callbacks still knows its own).
 */
import type { ArchivedMessage, MessageBody } from '../agora/chat/messages.ts';
import { toWireBody } from '../agora/chat/messages.ts';
import type { Events } from '../events/pipeline.ts';
import type { GatewayEvent } from '../events/types.ts';
import type { Logger } from '../observability/logger.ts';
import { conversationKeyOf, type MessageStore } from './store.ts';

/**
 * What a callback published, recorded in the store: by the instance that received it (not by every
 * instance that hears the event), after the callback before it, so that a receipt finds its message and
 * every change is told once and in order.
 */
export function ingestCallbacks(events: Events, store: MessageStore, logger: Logger): (published: GatewayEvent[]) => Promise<void> {
  return async (published) => {
    for (const event of published) {
      try {
        if (event.kind === 'chat-message') {
          const typing = typingOf(event.message);
          // A typing signal is never stored; one the gateway sent itself it has already told.
          if (!typing) await recordMessages(events, store, [event.message]);
          else if (!event.message.ext?.[SENT_BY_GATEWAY])
            await events.publish([{ kind: 'typing', key: conversationKeyOf(event.message), ...typing, at: event.at }]);
        } else if (event.kind === 'chat-recall') await recordRecall(events, store, event.messageId);
        else if (event.kind === 'chat-receipt') await recordReceipt(events, store, event);
      } catch (error) {
        logger.warn({ err: error, kind: event.kind }, 'the message store could not record a callback; reconciliation will restore its messages');
      }
    }
  };
}

/**
 * Typing is carried as a Chat command message (Agora's way for transient signals), with these actions;
 * an SDK client that sends them is heard the same way.
 */
export const TYPING_ACTIONS = { begin: 'TypingBegin', end: 'TypingEnd' } as const;
/** The ext key that marks a signal the gateway sent (its callback is not told twice). */
export const SENT_BY_GATEWAY = 'agoraGraphqlSignal';

/** Whether a message is a typing signal, and whose. */
export function typingOf(m: ArchivedMessage): { username: string; typing: boolean } | undefined {
  const body = m.bodies[0] as { type?: unknown; action?: unknown } | undefined;
  if (body?.type !== 'cmd') return undefined;
  if (body.action === TYPING_ACTIONS.begin) return { username: m.from, typing: true };
  if (body.action === TYPING_ACTIONS.end) return { username: m.from, typing: false };
  return undefined;
}

/** What a change of the store says to `conversationUpdated` subscribers. */
const messageChanges = (messages: readonly ArchivedMessage[], change: 'message' | 'recall'): GatewayEvent[] =>
  messages.map((m) => ({ kind: 'conversation', key: conversationKeyOf(m), change, messageId: m.id, at: Date.now() }));

/** Stores messages and publishes those that were new. */
export async function recordMessages(events: Events, store: MessageStore, messages: readonly ArchivedMessage[]): Promise<ArchivedMessage[]> {
  const added = await store.add(messages);
  await events.publish(messageChanges(added, 'message'));
  return added;
}

/** Marks a message recalled, and publishes it when the store knew it and had not yet marked it. */
export async function recordRecall(events: Events, store: MessageStore, messageId: string): Promise<void> {
  const recalled = await store.recall(messageId);
  if (recalled) await events.publish(messageChanges([recalled], 'recall'));
}

/** What a send stored: one message per recipient, as the export will show it. */
export function sentMessages(send: {
  from: string;
  conversation: ArchivedMessage['conversation'];
  ids: Record<string, string>;
  body: MessageBody;
  ext: Record<string, unknown> | undefined;
  at: number;
}): ArchivedMessage[] {
  const wire = toWireBody(send.body);
  return Object.entries(send.ids).map(([to, id]) => ({
    id,
    from: send.from,
    to,
    conversation: send.conversation,
    timestamp: send.at,
    bodies: [{ type: wire.type, ...wire.body }],
    ext: send.ext,
  }));
}

/**
 * A receipt from Chat: the message's delivery or reading by its recipient. A read also moves the
 * reader's horizon up to the message (as markConversationRead would), so their unread count follows.
 */
export async function recordReceipt(events: Events, store: MessageStore, receipt: Extract<GatewayEvent, { kind: 'chat-receipt' }>): Promise<void> {
  const noted = await store.receipt(receipt.messageId, { kind: receipt.receipt, by: receipt.by, at: receipt.at });
  if (!noted) return;
  const key = conversationKeyOf(noted);
  if (receipt.receipt === 'delivery') {
    await events.publish([{ kind: 'conversation', key, change: 'delivered', messageId: noted.id, by: receipt.by, at: receipt.at }]);
    return;
  }
  const upTo = await store.markRead(receipt.by, key, noted.timestamp);
  await events.publish([{ kind: 'conversation', key, change: 'read', messageId: noted.id, by: receipt.by, upTo, at: receipt.at }]);
}
