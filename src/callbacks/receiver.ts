/**
 * The receiver of Agora Chat's HTTP callbacks. It checks the signature (`security`, with the secret of
 * any configured Console rule) and the timestamp's age, answers Agora at once (200, a short body: Agora
 * counts any 200 as delivered and drops a callback after one retry), then, off the request, claims the
 * `callId` (a retry is delivered once, across instances with Redis), parses the body, and publishes
 * what it says into the event pipeline, marked as coming from a callback. A body of a shape the notes do
 * not show is logged and counted as contract drift, never thrown.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Events } from '../events/pipeline.ts';
import type { CollectiveChange, GatewayEvent } from '../events/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { CallbackDedupe } from './dedupe.ts';
import { collectiveIdOf, deviceOf, messageCallback, mucCallback, recallCallback, receiptCallback, usernameOf, userStatusCallback } from './schemas.ts';
import { verifyChatCallback } from './signature.ts';

export interface CallbackSettings {
  /** Where Agora POSTs; put an unguessable token in it (the signature does not cover the body). */
  path: string;
  /** The secret of each Console rule that posts here. */
  secrets: readonly string[];
  /** Callbacks whose timestamp is further from now than this are refused (replays). */
  maxAgeMs: number;
}

export interface CallbackStats {
  received: number;
  refused: number;
  duplicates: number;
  published: number;
  /** Bodies of a shape the documentation does not show (kept in the log, not published). */
  drift: number;
}

export interface ChatCallbackReceiver {
  /**
   * Handles the request when it is for the callback path; answers whether it was (`false` at once for
   * any other path: every GraphQL request asks).
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string): false | Promise<boolean>;
  stats(): CallbackStats;
}

const MAX_BODY = 256 * 1024;

/** What Agora's `muc` operations mean for groupChanged / roomChanged (§2); others are not published. */
const MUC_CHANGES: Record<string, CollectiveChange> = {
  presence: 'members-added',
  invite_accept: 'members-added',
  apply_accept: 'members-added',
  leave: 'members-removed',
  kick: 'members-removed',
  destroy: 'deleted',
  update: 'updated',
  add_admin: 'admin-added',
  remove_admin: 'admin-removed',
  assing_owner: 'owner-transferred',
  ban_group: 'disabled',
  remove_ban_group: 'enabled',
};

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createChatCallbackReceiver(options: {
  settings: CallbackSettings;
  events: Events;
  dedupe: CallbackDedupe;
  logger: Logger;
  /** Whether a `groupchat` id is a group or a chat room (Agora's callback does not say). */
  kindOf: (id: string) => Promise<'group' | 'room'>;
  /** Told of what each callback published, once, on the instance that received it, before the next callback is worked. */
  onPublished?: (events: GatewayEvent[]) => Promise<void>;
}): ChatCallbackReceiver {
  const { settings, events, dedupe, logger } = options;
  const stats: CallbackStats = { received: 0, refused: 0, duplicates: 0, published: 0, drift: 0 };

  const answer = (res: ServerResponse, status: number, text: string) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);

  /** The events a verified body carries; undefined when its shape is not one the notes show. */
  async function eventsOf(body: unknown): Promise<GatewayEvent[] | undefined> {
    const parse = <S extends z.ZodType>(schema: S) => schema.safeParse(body);
    const message = parse(messageCallback);
    if (message.success) {
      const m = message.data;
      const conversation = m.chat_type === 'chat' ? 'user' : m.chat_type === 'chatroom' ? 'room' : await options.kindOf(m.group_id ?? m.to);
      return [
        {
          kind: 'chat-message',
          message: {
            id: m.msg_id,
            from: m.from,
            to: m.chat_type === 'chat' ? m.to : (m.group_id ?? m.to),
            conversation,
            timestamp: m.timestamp,
            bodies: m.payload.bodies,
            ext: m.payload.ext,
          },
          offline: m.eventType === 'chat_offline',
          source: 'callback',
          at: m.timestamp,
        },
      ];
    }
    const recall = parse(recallCallback);
    if (recall.success)
      return [
        {
          kind: 'chat-recall',
          messageId: recall.data.recall_id ?? recall.data.msg_id,
          from: recall.data.from,
          to: recall.data.to,
          source: 'callback',
          at: recall.data.timestamp,
        },
      ];
    const receipt = parse(receiptCallback);
    if (receipt.success)
      return [
        {
          kind: 'chat-receipt',
          receipt: receipt.data.chat_type === 'read_ack' ? 'read' : 'delivery',
          messageId: receipt.data.payload.ack_message_id,
          by: receipt.data.from,
          source: 'callback',
          at: receipt.data.timestamp,
        },
      ];
    const status = parse(userStatusCallback);
    if (status.success) {
      const username = usernameOf(status.data.user);
      if (!username) return undefined;
      return [
        {
          kind: 'chat-user-status',
          username,
          status: status.data.status,
          reason: status.data.reason,
          device: deviceOf(status.data.user),
          source: 'callback',
          at: status.data.timestamp,
        },
      ];
    }
    const muc = parse(mucCallback);
    if (muc.success) {
      const change = MUC_CHANGES[muc.data.payload.operation];
      // Operations with nothing to say to groupChanged / roomChanged (mutes, files, announcements) are acknowledged and left.
      if (!change) return [];
      const kind = muc.data.payload.is_chatroom ? 'room' : 'group';
      return [
        {
          kind,
          id: collectiveIdOf(muc.data.payload.muc_id),
          change,
          usernames: muc.data.from ? [muc.data.from] : [],
          source: 'callback',
          at: muc.data.timestamp,
        },
      ];
    }
    return undefined;
  }

  async function process(body: Record<string, unknown>): Promise<void> {
    if (!(await dedupe.claim(String(body.callId)))) {
      stats.duplicates++;
      return;
    }
    const found = await eventsOf(body);
    if (!found) {
      stats.drift++;
      // The body, without its signature: a callback of an undocumented shape is contract drift to look at.
      logger.warn(
        { callId: body.callId, keys: Object.keys(body), chat_type: body.chat_type, eventType: body.eventType },
        'a Chat callback of a shape the documentation does not show was kept out of the event pipeline',
      );
      return;
    }
    if (found.length === 0) return;
    await events.publish(found);
    stats.published += found.length;
    await options.onPublished?.(found);
  }

  // Callbacks are worked in the order they came (Agora sends them so): a receipt after its message.
  let working: Promise<void> = Promise.resolve();

  return {
    handle(req, res, path) {
      return settings.secrets.length === 0 || path !== settings.path ? false : receive(req, res);
    },
    stats: () => ({ ...stats }),
  };

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (req.method !== 'POST') {
      answer(res, 405, 'POST only');
      return true;
    }
    stats.received++;
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text === undefined ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      stats.refused++;
      answer(res, 400, 'a JSON object is expected');
      return true;
    }
    const check = verifyChatCallback(body as Record<string, unknown>, settings.secrets, { now: Date.now(), maxAgeMs: settings.maxAgeMs });
    if (!check.ok) {
      stats.refused++;
      logger.warn({ why: check.why, callId: (body as { callId?: unknown }).callId }, 'a Chat callback was refused');
      answer(res, 401, 'refused');
      return true;
    }
    // Agora waits for this answer (and counts anything but a 200 as a failure): answer first, work after.
    answer(res, 200, 'ok');
    working = working
      .then(() => process(body as Record<string, unknown>))
      .catch((error: unknown) => logger.error({ err: error }, 'a Chat callback could not be published'));
    return true;
  }
}
