/**
 * What Agora Chat's post-delivery callbacks carry (../shared/agora-chat-callbacks.md §2), as far as the
 * notes show: messages, recalls, read and delivery receipts, group and room operations (`muc`), and user status. Every schema lets
 * unknown fields through (Agora adds fields); a body that matches none is contract drift, counted.
 */
import { z } from 'zod';

const common = { callId: z.string(), timestamp: z.coerce.number(), security: z.string() };

export const messageCallback = z
  .object({
    ...common,
    eventType: z.enum(['chat', 'chat_offline']),
    chat_type: z.enum(['chat', 'groupchat', 'chatroom']),
    group_id: z.string().optional(),
    from: z.string(),
    to: z.string(),
    msg_id: z.string(),
    payload: z.object({ bodies: z.array(z.record(z.string(), z.unknown())).default([]), ext: z.record(z.string(), z.unknown()).optional() }).passthrough(),
  })
  .passthrough();

export const recallCallback = z
  .object({ ...common, chat_type: z.literal('recall'), recall_id: z.string().optional(), msg_id: z.string(), from: z.string(), to: z.string() })
  .passthrough();

/** A read or delivery receipt: `from` acknowledges `payload.ack_message_id`, which `to` had sent (§2, Receipts). */
export const receiptCallback = z
  .object({
    ...common,
    chat_type: z.enum(['read_ack', 'delivery_ack']),
    from: z.string(),
    to: z.string(),
    payload: z.object({ ack_message_id: z.string() }).passthrough(),
  })
  .passthrough();

export const mucCallback = z
  .object({
    ...common,
    chat_type: z.literal('muc'),
    from: z.string().optional(),
    to: z.string().optional(),
    payload: z.object({ muc_id: z.string(), operation: z.string(), is_chatroom: z.boolean().optional(), reason: z.string().optional() }).passthrough(),
  })
  .passthrough();

export const userStatusCallback = z
  .object({
    ...common,
    reason: z.enum(['login', 'logout', 'replaced']),
    status: z.enum(['online', 'offline']),
    user: z.string(),
    os: z.string().optional(),
  })
  .passthrough();

/**
 * The username in a status callback's `user`. The one documented form that names the user is
 * `{appkey}_{user}@easemob.com/{os}_{device}` (Easemob's example); Agora's field table writes
 * `{appKey}/{OS}_{deviceId}`, which names none. Without a username the callback is counted as drift.
 */
export function usernameOf(user: string): string | undefined {
  return /_([^_@/]+)@easemob\.com/.exec(user)?.[1];
}

/** The device part of `user`, after the slash. */
export function deviceOf(user: string): string | undefined {
  return user.split('/')[1];
}

/** `muc_id` is `{appkey}_{id}@conference.easemob.com`: the group or room id. */
export function collectiveIdOf(mucId: string): string {
  return /_([^_@]+)@conference/.exec(mucId)?.[1] ?? mucId;
}
