/**
 * What feeds the message store besides reconciliation: Chat's callbacks (messages and recalls from SDK
 * clients and REST, published into the event pipeline and heard by every instance; the store keeps one
 * copy) and the gateway's own sends and recalls (recorded where they are made, so that a gateway without
 * callbacks still knows its own).
 */
import type { ArchivedMessage, MessageBody } from '../agora/chat/messages.ts';
import { toWireBody } from '../agora/chat/messages.ts';
import type { Events } from '../events/pipeline.ts';
import type { Logger } from '../observability/logger.ts';
import type { MessageStore } from './store.ts';

export function feedFromCallbacks(events: Events, store: MessageStore, logger: Logger): () => void {
  const failed = (error: unknown) => logger.warn({ err: error }, 'the message store could not record a callback; reconciliation will');
  return events.listen((event) => {
    if (event.kind === 'chat-message') void store.add([event.message]).catch(failed);
    else if (event.kind === 'chat-recall') void store.recall(event.messageId).catch(failed);
  });
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
