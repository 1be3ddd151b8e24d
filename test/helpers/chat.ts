import { expect } from 'vitest';
import { buildChatAppToken, buildChatUserToken } from '../../src/agora/access-token.ts';
import { chatCallbackSignature } from '../../src/callbacks/signature.ts';
import type { EmulatorSettings } from '../../src/emulator/context.ts';
import { chatOf, clientFor, startEmulator } from './agora.ts';
import type { Emulator } from '../../src/emulator/server.ts';

/** Raw HTTP to the emulator's Chat surface, for what the client never sends (bad bodies, bad tokens). */
export async function chatFetch(
  emulator: Emulator,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; token?: string | null; rawBody?: string | Buffer } = {},
) {
  const p = emulator.project;
  const token = options.token === undefined ? buildChatAppToken({ appId: p.appId, appCertificate: p.appCertificate, expireSeconds: 600 }) : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const raw = typeof options.rawBody === 'string' || options.rawBody === undefined ? options.rawBody : new Uint8Array(options.rawBody);
  const body = raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${emulator.url}/${p.chatOrg}/${p.chatApp}${path}`, { method, headers, body: body ?? null });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

export const userToken = (emulator: Emulator, user: string) =>
  buildChatUserToken({ appId: emulator.project.appId, appCertificate: emulator.project.appCertificate, userId: user, expireSeconds: 600 });

/** Agora Chat's error envelope. */
export const chatErrorEnvelope = (error: string, description?: string | RegExp) => ({
  error,
  exception: expectString(),
  timestamp: expectNumber(),
  duration: expectNumber(),
  error_description: description === undefined ? expectString() : description instanceof RegExp ? expectMatching(description) : description,
});
const expectString = () => expect.any(String) as unknown as string;
const expectNumber = () => expect.any(Number) as unknown as number;
const expectMatching = (r: RegExp) => expect.stringMatching(r) as unknown as string;

/** An emulator and a Chat client against it, with `users` registered. */
export async function startChat(users: string[] = [], settings: Partial<EmulatorSettings> = {}) {
  const t = await startEmulator({ settings });
  const chat = chatOf(clientFor(t.emulator));
  for (let i = 0; i < users.length; i += 60) await chat.users.registerMany(users.slice(i, i + 60).map((username) => ({ username })));
  return { ...t, chat };
}

/** Posts a Chat callback to the gateway as Agora does: signed `md5(callId + secret + timestamp)`; answers the status. */
export async function postChatCallback(
  graphqlUrl: string,
  secret: string,
  body: { callId: string; timestamp: number } & Record<string, unknown>,
): Promise<number> {
  const security = chatCallbackSignature(body.callId, secret, body.timestamp);
  const res = await fetch(new URL('/agora/chat/callbacks', graphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, security }),
  });
  await res.body?.cancel();
  return res.status;
}
