/**
 * Chat global mutes as the emulator serves them (agora-api.md §2.8): per user and scope (one-to-one,
 * groups, rooms) a duration in seconds; 0 unmutes, -1 mutes until unmuted. Reads answer the seconds
 * left per scope.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, queryInt, type ChatHandlerContext } from './common.ts';
import { chatOk, illegal, notFound } from './envelope.ts';
import type { GlobalMute } from './state.ts';

const SCOPES = ['chat', 'groupchat', 'chatroom'] as const;
const FOREVER = Number.MAX_SAFE_INTEGER;
const seconds = z.number().int().min(-1);
const muteBody = z.object({ username: z.string().min(1), chat: seconds.optional(), groupchat: seconds.optional(), chatroom: seconds.optional() });

export function chatMuteRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const left = (until: number, now: number) => (until === FOREVER ? -1 : until > now ? Math.ceil((until - now) / 1000) : 0);
  const view = (username: string, m: GlobalMute | undefined, now: number) => ({
    username,
    chat: left(m?.chat ?? 0, now),
    groupchat: left(m?.groupchat ?? 0, now),
    chatroom: left(m?.chatroom ?? 0, now),
  });
  return [
    chatRoute('chat.mutes.set', 'POST', '/mutes', (req) => {
      const parsed = check(muteBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const b = parsed.value;
      if (!chat().users.has(b.username)) return notFound(`Service resource not found: user ${b.username}`);
      const mute = chat().globalMutes.get(b.username) ?? { chat: 0, groupchat: 0, chatroom: 0 };
      const now = Date.now();
      for (const scope of SCOPES) {
        const duration = b[scope];
        if (duration !== undefined) mute[scope] = duration === -1 ? FOREVER : duration === 0 ? 0 : now + duration * 1000;
      }
      chat().globalMutes.set(b.username, mute);
      return chatOk(req, ctx.project, { action: 'post', data: { result: 'ok' } });
    }),
    chatRoute('chat.mutes.get', 'GET', '/mutes/:username', (req) => {
      const user = req.params.username ?? '';
      if (!chat().users.has(user)) return notFound(`Service resource not found: user ${user}`);
      const now = Date.now();
      const { username: _u, ...scopes } = view(user, chat().globalMutes.get(user), now);
      return chatOk(req, ctx.project, { data: { userid: user, ...scopes, unixtime: Math.floor(now / 1000) } });
    }),
    chatRoute('chat.mutes.list', 'GET', '/mutes', (req) => {
      const pageNum = queryInt(req, 'pageNum', 1);
      const pageSize = queryInt(req, 'pageSize', 10);
      if (pageNum === 'invalid' || pageNum < 1) return illegal('pageNum must be 1 or more');
      if (pageSize === 'invalid' || pageSize < 1 || pageSize > CHAT_LIMITS.globalMuteListPageSize)
        return illegal(`pageSize must be 1 to ${CHAT_LIMITS.globalMuteListPageSize}`);
      const now = Date.now();
      const muted = [...chat().globalMutes].map(([u, m]) => view(u, m, now)).filter((v) => v.chat !== 0 || v.groupchat !== 0 || v.chatroom !== 0);
      return chatOk(req, ctx.project, { data: muted.slice((pageNum - 1) * pageSize, pageNum * pageSize), unixtime: Math.floor(now / 1000) });
    }),
  ];
}
