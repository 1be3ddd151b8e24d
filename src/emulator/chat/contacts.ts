/**
 * Chat contacts and block lists as the emulator serves them (agora-api.md §2.8): both users must exist;
 * adding blocks fails as a whole when any user is missing; at most 500 blocked users.
 */
import { z } from 'zod';
import { CHAT_LIMITS } from '../../agora/limits.ts';
import type { EmulatorRequest, RouteSpec } from '../router.ts';
import { bodyObject, chatRoute, check, type ChatHandlerContext } from './common.ts';
import { chatError, chatOk, notFound } from './envelope.ts';
import { ChatState, userEntity } from './state.ts';

const blockBody = z.object({ usernames: z.array(z.string()).min(1, 'usernames must not be empty') });

export function chatContactRoutes(ctx: ChatHandlerContext): RouteSpec[] {
  const chat = () => ctx.state.chat;
  const missing = (req: EmulatorRequest, ...names: string[]) => {
    const absent = names.find((n) => !chat().users.has(n));
    return absent === undefined ? undefined : notFound(`Service resource not found: user ${absent}`);
  };
  const owner = (req: EmulatorRequest) => req.params.owner_username ?? '';

  /** Adding or removing one user from a per-owner list; answers the other user's entity. */
  const change = (name: string, method: string, path: string, list: () => Map<string, Set<string>>, add: boolean, other: string) =>
    chatRoute(name, method, path, (req) => {
      const [o, u] = [owner(req), req.params[other] ?? ''];
      const problem = missing(req, o, u);
      if (problem) return problem;
      const set = ChatState.setOf(list(), o);
      if (add) set.add(u);
      else set.delete(u);
      return chatOk(req, ctx.project, { action: method.toLowerCase(), entities: [userEntity(chat().users.get(u)!)] });
    });

  const listOf = (name: string, path: string, list: () => Map<string, Set<string>>) =>
    chatRoute(name, 'GET', path, (req) => {
      const problem = missing(req, owner(req));
      if (problem) return problem;
      const names = [...(list().get(owner(req)) ?? [])];
      return chatOk(req, ctx.project, { data: names, count: names.length });
    });

  return [
    change('chat.contacts.add', 'POST', '/users/:owner_username/contacts/users/:friend_username', () => chat().contacts, true, 'friend_username'),
    change('chat.contacts.remove', 'DELETE', '/users/:owner_username/contacts/users/:friend_username', () => chat().contacts, false, 'friend_username'),
    listOf('chat.contacts.list', '/users/:owner_username/contacts/users', () => chat().contacts),
    listOf('chat.blocks.list', '/users/:owner_username/blocks/users', () => chat().blocks),
    chatRoute('chat.blocks.add', 'POST', '/users/:owner_username/blocks/users', (req) => {
      const parsed = check(blockBody, bodyObject(req));
      if (!parsed.ok) return parsed.response;
      const problem = missing(req, owner(req), ...parsed.value.usernames);
      if (problem) return problem;
      const set = ChatState.setOf(chat().blocks, owner(req));
      const after = new Set([...set, ...parsed.value.usernames]);
      if (after.size > CHAT_LIMITS.blocklistAdd) {
        return chatError(403, 'exceed_limit', `A user can block at most ${CHAT_LIMITS.blocklistAdd} users.`);
      }
      for (const u of parsed.value.usernames) set.add(u);
      return chatOk(req, ctx.project, { action: 'post', data: parsed.value.usernames });
    }),
    change('chat.blocks.remove', 'DELETE', '/users/:owner_username/blocks/users/:blocked_username', () => chat().blocks, false, 'blocked_username'),
  ];
}
