/**
 * The emulator's own reading of the seeds' input rules. The client (src/agora) reads the same seeds and
 * writes its own validators; neither imports the other's, so a misreading on one side shows up as a
 * disagreement in the tests instead of passing on both. Only numbers, which are facts of the seeds, come
 * from the neutral table in src/agora/limits.ts.
 */
import { z } from 'zod';
import { CHAT_LIMITS, SIGNALING_LIMITS } from '../agora/limits.ts';

/**
 * Seed 001, "This parameter supports the following characters": a-z, A-Z, 0-9, the space, and
 * ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , ' (the seed's garbled " , " entry stands for { and }).
 */
const SIGNALING_SYMBOLS = " !#$%&()+-:;<=.>?@[]^_{}|~,'";
const isSignalingCharacter = (ch: string) => /^[A-Za-z0-9]$/.test(ch) || SIGNALING_SYMBOLS.includes(ch);

/** A Signaling user id or channel name; in a URL its first and last characters must not be spaces (seed 001). */
function signalingName(what: string, inUrl: boolean) {
  return z.string().superRefine((value, ctx) => {
    if (value.length === 0) ctx.addIssue({ code: 'custom', message: `${what} is empty` });
    if (value.length > SIGNALING_LIMITS.idMaxLength)
      ctx.addIssue({ code: 'custom', message: `${what} is longer than ${SIGNALING_LIMITS.idMaxLength} characters` });
    const bad = [...value].find((ch) => !isSignalingCharacter(ch));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `${what} has the character ${JSON.stringify(bad)}` });
    if (inUrl && /^ | $/.test(value)) ctx.addIssue({ code: 'custom', message: `${what} starts or ends with a space` });
  });
}

export const signalingSender = signalingName('user_id', true);
export const signalingUser = signalingName('user id', false);
export const signalingChannel = signalingName('channel_name', false);

/** Seed 001: "Must not be an empty string and not exceed 32 KB in length" (bytes of UTF-8). */
export const signalingPayload = z.string().refine((p) => p.length > 0 && Buffer.byteLength(p, 'utf8') <= SIGNALING_LIMITS.payloadMaxBytes, {
  message: `payload is empty or longer than ${SIGNALING_LIMITS.payloadMaxBytes} bytes`,
});

/** agora-api.md §2.1 (Chat user ids): 1 to 64 of a-z, 0-9, _, - and . ; Agora refuses capitals. */
export const isLegalChatUsername = (username: string) =>
  username.length >= 1 && username.length <= CHAT_LIMITS.usernameMaxLength && [...username].every((ch) => /^[a-z0-9_.-]$/.test(ch));

/** What Agora counts against a user's attribute allowance: the UTF-8 bytes of every key and value. */
export const attributeBytes = (attributes: Record<string, string>) =>
  Object.entries(attributes).reduce((sum, [key, value]) => sum + Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8'), 0);

/** The hourly history archive names its hour `yyyyMMddHH`, in UTC. */
export function archiveHour(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}`;
}
