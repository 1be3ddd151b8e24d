/**
 * Global ids (Relay's `Node.id`): base64 of `Type:key`. Decoding refuses, before any upstream call, what
 * this API never gave out: text that is not base64 of that form, a type that has no ids, and a key that
 * cannot be one for its type (an Agora username with characters Agora refuses). A well-formed id that
 * names nothing is not an error here: `node` answers null for it, as Relay expects.
 */
import { z } from 'zod';
import { resourceId, username } from '../../agora/chat/schemas.ts';
import { conversationKey } from '../../conversations/store.ts';
import { InvalidGlobalIdError } from './errors.ts';

/** Every type that implements Node, with the rule its key follows. A test keeps this equal to the schema. */
export const NODE_KEYS: Record<string, z.ZodType<string>> = {
  User: username,
  Group: resourceId('group id'),
  Room: resourceId('room id'),
  Thread: resourceId('thread id'),
  Conversation: conversationKey,
  Message: resourceId('message id'),
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = BASE64.test(globalId) ? Buffer.from(globalId, 'base64').toString('utf8') : '';
  const colon = text.indexOf(':');
  if (colon <= 0) throw new InvalidGlobalIdError(`"${globalId.slice(0, 80)}" is not a global id this API gave out (take ids from Node.id)`);
  const typename = text.slice(0, colon);
  const key = NODE_KEYS[typename];
  if (!key)
    throw new InvalidGlobalIdError(`the id names type "${typename.slice(0, 64)}", which has no global ids (ids are of ${Object.keys(NODE_KEYS).join(', ')})`);
  const parsed = key.safeParse(text.slice(colon + 1));
  if (!parsed.success) throw new InvalidGlobalIdError(`the id is of a ${typename}, but ${parsed.error.issues[0]?.message ?? 'its key is invalid'}`);
  return { typename, id: parsed.data };
}
