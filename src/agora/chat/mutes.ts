/**
 * Agora Chat global mutes (agora-api.md §2.8): mute a user in one-to-one chats, groups and/or rooms for
 * a number of seconds (0 unmutes, -1 mutes until unmuted).
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { envelope, username } from './schemas.ts';

/** Seconds left per scope: 0 when not muted, -1 until unmuted. */
export interface GlobalMute {
  username: string;
  chat: number;
  groupchat: number;
  chatroom: number;
}

const duration = z.number().int().min(-1, 'a duration is seconds, 0 to unmute or -1 for ever');

const muteWire = z.object({
  username: z.string().optional(),
  userid: z.string().optional(),
  chat: z.number().optional(),
  groupchat: z.number().optional(),
  chatroom: z.number().optional(),
});

const toMute = (m: z.infer<typeof muteWire>): GlobalMute => ({
  username: m.username ?? m.userid ?? '',
  chat: m.chat ?? 0,
  groupchat: m.groupchat ?? 0,
  chatroom: m.chatroom ?? 0,
});

export function createChatMutes(ctx: ServiceContext) {
  return {
    /** Sets the mute of each given scope; scopes not given are left as they are. */
    set: endpoint(ctx, {
      operation: 'chat.mutes.set',
      budget: 'chat.mutes.set',
      method: 'POST',
      replay: 'idempotent',
      input: z
        .object({ username, chat: duration.optional(), groupchat: duration.optional(), chatroom: duration.optional() })
        .refine((v) => v.chat !== undefined || v.groupchat !== undefined || v.chatroom !== undefined, 'give a duration for chat, groupchat or chatroom'),
      path: () => '/mutes',
      json: (v) => v,
      response: envelope({ data: z.object({ result: z.string() }) }),
      result: ({ data }) => data.data.result === 'ok',
    }),

    get: endpoint(ctx, {
      operation: 'chat.mutes.get',
      budget: 'chat.mutes.get',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/mutes/${enc(u)}`,
      response: envelope({ data: muteWire }),
      result: ({ data }) => toMute(data.data),
    }),

    /** Every globally muted user, page by page (page size at most 50). */
    list: endpoint(ctx, {
      operation: 'chat.mutes.list',
      budget: 'chat.mutes.list',
      method: 'GET',
      replay: 'idempotent',
      input: z
        .object({ pageNum: z.number().int().min(1).default(1), pageSize: z.number().int().min(1).max(CHAT_LIMITS.globalMuteListPageSize).default(10) })
        .default({ pageNum: 1, pageSize: 10 }),
      path: () => '/mutes',
      query: (v) => ({ pageNum: v.pageNum, pageSize: v.pageSize }),
      response: envelope({ data: z.array(muteWire) }),
      result: ({ data }, v) => ({ items: data.data.map(toMute), hasMore: data.data.length === v.pageSize }),
    }),
  };
}
