/**
 * Who may see a conversation, and so its messages: one of its pair, a member of its group or room (read
 * from Agora, as every rule does), or a moderator. Nothing a viewer may not see is listed or counted.
 */
import type { ArchivedMessage } from '../../agora/chat/messages.ts';
import { conversationKeyOf, parseConversationKey } from '../../conversations/store.ts';
import type { Context } from '../../context.ts';
import { roleIn } from '../scopes.ts';

export async function maySee(ctx: Context, key: string): Promise<boolean> {
  const { viewer } = ctx;
  if (viewer.roles.has('admin') || viewer.roles.has('moderator')) return true;
  const me = viewer.username;
  const parsed = parseConversationKey(key);
  if (!me || !parsed) return false;
  if (parsed.members) return parsed.members.includes(me);
  return (await roleIn(ctx, { kind: parsed.kind === 'group' ? 'group' : 'room', id: parsed.id }, me)) !== undefined;
}

export const maySeeMessage = (ctx: Context, message: ArchivedMessage) => maySee(ctx, conversationKeyOf(message));
