/**
 * Agora Chat reactions (agora-api.md §2.8): a user reacts to a message with an emoji id (at most 128
 * characters; at most 20 different reactions per message); reactions of up to 20 messages per call; the
 * users behind one reaction, cursor-paged.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { cursor, limit, resourceId, username } from './schemas.ts';

const reaction = z
  .string()
  .min(1, 'reaction must not be empty')
  .max(CHAT_LIMITS.reactionMaxLength, `a reaction is at most ${CHAT_LIMITS.reactionMaxLength} characters`);
const messageId = resourceId('messageId');

export interface ReactionSummary {
  reaction: string;
  count: number;
  /** Whether the asking user is one of those who reacted. */
  reactedByMe: boolean;
  /** The first users who reacted. */
  users: string[];
}

const summaryWire = z.object({
  reactionId: z.string().optional(),
  reaction: z.string(),
  count: z.number(),
  state: z.boolean().optional(),
  userList: z.array(z.string()).optional(),
});
const toSummary = (r: z.infer<typeof summaryWire>): ReactionSummary => ({
  reaction: r.reaction,
  count: r.count,
  reactedByMe: r.state ?? false,
  users: r.userList ?? [],
});

const answer = <T extends z.ZodType>(data: T) => z.object({ requestStatusCode: z.string().optional(), timestamp: z.number().optional(), data });

export function createChatReactions(ctx: ServiceContext) {
  const path = (v: { username: string }) => `/reaction/user/${enc(v.username)}`;
  return {
    create: endpoint(ctx, {
      operation: 'chat.reactions.create',
      budget: 'chat.reactions.create',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({ username, messageId, reaction }),
      path,
      json: (v) => ({ msgId: v.messageId, message: v.reaction }),
      response: answer(z.object({ id: z.string().optional(), msgId: z.string(), reaction: z.string() })),
      result: () => true as const,
    }),

    /** The reactions of up to 20 messages (of one-to-one chats, or of one group), as `username` sees them. */
    list: endpoint(ctx, {
      operation: 'chat.reactions.list',
      budget: 'chat.reactions.list',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({
        username,
        messageIds: z.array(messageId).min(1).max(CHAT_LIMITS.reactionMessageIds, `at most ${CHAT_LIMITS.reactionMessageIds} messages per call`),
        groupId: resourceId('groupId').optional(),
      }),
      path,
      query: (v) => ({ msgIdList: v.messageIds.join(','), msgType: v.groupId ? 'groupchat' : 'chat', groupId: v.groupId }),
      response: answer(z.array(z.object({ msgId: z.string(), reactionList: z.array(summaryWire) }))),
      result: ({ data }, v): Record<string, ReactionSummary[]> => {
        const byMessage = new Map(data.data.map((m) => [m.msgId, m.reactionList.map(toSummary)]));
        return Object.fromEntries(v.messageIds.map((id) => [id, byMessage.get(id) ?? []]));
      },
    }),

    delete: endpoint(ctx, {
      operation: 'chat.reactions.delete',
      budget: 'chat.reactions.delete',
      method: 'DELETE',
      replay: 'idempotent',
      input: z.object({ username, messageId, reaction }),
      path,
      query: (v) => ({ msgId: v.messageId, message: v.reaction }),
      response: answer(z.unknown().optional()),
      result: () => true as const,
    }),

    /** Who reacted with one reaction, cursor-paged. */
    detail: endpoint(ctx, {
      operation: 'chat.reactions.detail',
      budget: 'chat.reactions.detail',
      method: 'GET',
      replay: 'idempotent',
      input: z.object({ username, messageId, reaction, limit: limit(100, 50), cursor }),
      path: (v) => `${path(v)}/detail`,
      query: (v) => ({ msgId: v.messageId, message: v.reaction, limit: v.limit, cursor: v.cursor }),
      response: answer(summaryWire.extend({ cursor: z.string().optional() })),
      result: ({ data }) => ({ ...toSummary(data.data), cursor: data.data.cursor }),
    }),
  };
}
