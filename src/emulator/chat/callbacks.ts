/**
 * Agora Chat's post-delivery callbacks, as the emulator sends them (../shared/agora-chat-callbacks.md):
 * for each rule (URL and secret, at most 4 as in the Console), a JSON POST per message (SDK or REST),
 * recall, login and logout, signed `security = md5(callId + secret + timestamp)`. A response other than
 * 200 is retried once at once, then the callback is dropped and counted, as Agora does. Callbacks to one
 * rule go out one after another, in the order things happened.
 */
import { randomUUID } from 'node:crypto';
import { chatCallbackSignature } from '../../callbacks/signature.ts';
import type { EmulatorProject } from '../context.ts';
import type { CallbackRule } from '../state.ts';
import type { ChatObservation } from './state.ts';

export interface CallbackDeliveryStats {
  delivered: number;
  retried: number;
  dropped: number;
}

export function createCallbackDispatcher(project: EmulatorProject, rules: () => readonly CallbackRule[]) {
  const appkey = `${project.chatOrg}#${project.chatApp}`;
  const stats: CallbackDeliveryStats = { delivered: 0, retried: 0, dropped: 0 };
  const queues = new Map<string, Promise<void>>();
  /** Callbacks still to lose, as Agora loses one whose delivery and retry both failed. */
  let toDrop = 0;

  function bodyOf(o: ChatObservation, now: number): Record<string, unknown> {
    const callId = `${appkey}_${randomUUID()}`;
    const base = { callId, timestamp: now, appkey, host: 'emulator' };
    if (o.type === 'status') {
      return {
        ...base,
        reason: o.reason,
        status: o.status,
        os: 'linux',
        ip: '127.0.0.1',
        version: '1.0.0',
        user: `${appkey}_${o.username}@easemob.com/linux_${o.device}`,
      };
    }
    const m = o.message;
    if (o.type === 'receipt') {
      // From the reader to the sender, naming the message acknowledged.
      return {
        ...base,
        eventType: 'chat',
        chat_type: o.ack === 'read' ? 'read_ack' : 'delivery_ack',
        from: o.by,
        to: m.from,
        msg_id: randomUUID(),
        payload: { ack_message_id: m.id },
      };
    }
    if (o.type === 'recall') {
      return { ...base, eventType: 'chat', chat_type: 'recall', recall_id: m.id, msg_id: m.id, from: m.from, to: m.to, payload: { ack_message_id: m.id } };
    }
    // Post-delivery callbacks say `groupchat` for groups and chat rooms alike.
    const chatType = m.chatType === 'chat' ? 'chat' : 'groupchat';
    return {
      ...base,
      eventType: 'chat',
      chat_type: chatType,
      ...(chatType === 'groupchat' ? { group_id: m.to } : {}),
      from: m.from,
      to: m.to,
      msg_id: m.id,
      payload: { bodies: [{ type: m.type, ...m.body }], ...(m.ext ? { ext: m.ext } : {}) },
      securityVersion: '1.0.0',
    };
  }

  async function post(url: string, body: Record<string, unknown>): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async function deliver(rule: { url: string; secret: string }, unsigned: Record<string, unknown>): Promise<void> {
    const body = { ...unsigned, security: chatCallbackSignature(String(unsigned.callId), rule.secret, Number(unsigned.timestamp)) };
    if (await post(rule.url, body)) {
      stats.delivered++;
      return;
    }
    stats.retried++;
    if (await post(rule.url, body)) stats.delivered++;
    else stats.dropped++;
  }

  return {
    observe(o: ChatObservation): void {
      const now = Date.now();
      if (toDrop > 0 && rules().length > 0) {
        toDrop--;
        stats.dropped++;
        return;
      }
      for (const rule of rules().slice(0, 4)) {
        if (rule.events && !rule.events.includes(o.type)) continue;
        const body = bodyOf(o, now);
        const next = (queues.get(rule.url) ?? Promise.resolve()).then(() => deliver(rule, body));
        queues.set(rule.url, next);
      }
    },
    stats: () => ({ ...stats }),
    /** The next `times` observations are never delivered (to any rule), and count as dropped. */
    drop: (times: number) => void (toDrop += times),
    /** Resolves once every callback observed so far was delivered or dropped. */
    settled: () => Promise.all([...queues.values()]).then(() => undefined),
  };
}
