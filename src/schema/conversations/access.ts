/**
 * Who may see a conversation, and so its messages: one of its pair, a member of its group or room (read
 * from Agora, as every rule does), or a moderator. Nothing a viewer may not see is listed or counted.
 */
import type { ArchivedMessage } from '../../agora/chat/messages.ts';
import { conversationKeyOf, parseConversationKey } from '../../conversations/store.ts';
import type { Context } from '../../context.ts';
import { decodeGlobalId } from '../common/global-id.ts';
import { publicError } from '../common/errors.ts';
import { belongsTo } from '../scopes.ts';

export async function maySee(ctx: Context, key: string): Promise<boolean> {
  const parsed = parseConversationKey(key);
  if (!parsed) return false;
  if (!parsed.members) return belongsTo(ctx, { kind: parsed.kind === 'group' ? 'group' : 'room', id: parsed.id });
  const { viewer } = ctx;
  return viewer.roles.has('admin') || viewer.roles.has('moderator') || (viewer.username !== undefined && parsed.members.includes(viewer.username));
}

export const maySeeMessage = (ctx: Context, message: ArchivedMessage) => maySee(ctx, conversationKeyOf(message));

/** The conversation a `conversationId` argument names, when the viewer may see it; else a refusal naming the argument. */
export async function conversationOf(ctx: Context, conversationId: string): Promise<string> {
  const { typename, id: key } = decodeGlobalId(conversationId);
  if (typename !== 'Conversation')
    throw publicError(`conversationId is the id of a ${typename}, not of a Conversation`, 'BAD_USER_INPUT', { field: 'conversationId' });
  if (!(await maySee(ctx, key))) throw publicError('This conversation is not one of yours', 'FORBIDDEN', { field: 'conversationId' });
  return key;
}
