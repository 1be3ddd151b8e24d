/**
 * The signature of Agora Chat's callbacks (../shared/agora-chat-callbacks.md §3): `security` is the
 * lowercase hex MD5 of `callId + secret + timestamp`, a plain concatenation, with the rule's secret
 * from the Console. It does not cover the body (see the README for closing that gap).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function chatCallbackSignature(callId: string, secret: string, timestamp: number | string): string {
  return createHash('md5').update(`${callId}${secret}${timestamp}`, 'utf8').digest('hex');
}

export type SignatureCheck = { ok: true } | { ok: false; why: string };

/** Checks a callback against every configured secret (one per Console rule), in constant time, and its age. */
export function verifyChatCallback(
  body: { callId?: unknown; timestamp?: unknown; security?: unknown },
  secrets: readonly string[],
  options: { now: number; maxAgeMs: number },
): SignatureCheck {
  const { callId, timestamp, security } = body;
  if (typeof callId !== 'string' || typeof security !== 'string' || (typeof timestamp !== 'number' && typeof timestamp !== 'string')) {
    return { ok: false, why: 'callId, timestamp and security are required' };
  }
  const at = Number(timestamp);
  if (!Number.isFinite(at)) return { ok: false, why: 'timestamp is not a number' };
  if (Math.abs(options.now - at) > options.maxAgeMs) return { ok: false, why: 'timestamp is outside the accepted window' };
  const given = Buffer.from(security.toLowerCase(), 'utf8');
  const matches = secrets.some((secret) => {
    const expected = Buffer.from(chatCallbackSignature(callId, secret, timestamp), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return matches ? { ok: true } : { ok: false, why: 'security does not match any configured secret' };
}
