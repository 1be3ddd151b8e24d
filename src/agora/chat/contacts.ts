/**
 * Agora Chat contacts and block lists (agora-api.md §2.8). A user has at most 500 blocked users; adding
 * blocks fails as a whole (404) when any of the users does not exist.
 */
import { z } from 'zod';
import { enc, endpoint, type ServiceContext } from '../endpoint.ts';
import { CHAT_LIMITS } from '../limits.ts';
import { envelope, username, usernames, userEntity } from './schemas.ts';

const pair = z.object({ owner: username, user: username });
const names = envelope({ data: z.array(z.string()) });
const entity = envelope({ entities: z.array(userEntity) });

export function createChatContacts(ctx: ServiceContext) {
  return {
    add: endpoint(ctx, {
      operation: 'chat.contacts.add',
      budget: 'chat.contacts.add',
      method: 'POST',
      replay: 'idempotent',
      input: pair,
      path: (v) => `/users/${enc(v.owner)}/contacts/users/${enc(v.user)}`,
      response: entity,
      result: () => true as const,
    }),
    remove: endpoint(ctx, {
      operation: 'chat.contacts.remove',
      budget: 'chat.contacts.remove',
      method: 'DELETE',
      replay: 'idempotent',
      input: pair,
      path: (v) => `/users/${enc(v.owner)}/contacts/users/${enc(v.user)}`,
      response: entity,
      result: () => true as const,
    }),
    /** The usernames in a user's contact list. */
    list: endpoint(ctx, {
      operation: 'chat.contacts.list',
      budget: 'chat.contacts.list',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/contacts/users`,
      response: names,
      result: ({ data }) => data.data,
    }),
    /** The usernames a user has blocked. */
    listBlocked: endpoint(ctx, {
      operation: 'chat.blocks.list',
      budget: 'chat.blocks.list',
      method: 'GET',
      replay: 'idempotent',
      input: username,
      path: (u) => `/users/${enc(u)}/blocks/users`,
      response: names,
      result: ({ data }) => data.data,
    }),
    /** Blocks users (at most 500 blocked in all); answers the usernames added. */
    block: endpoint(ctx, {
      operation: 'chat.blocks.add',
      budget: 'chat.blocks.add',
      method: 'POST',
      replay: 'idempotent',
      input: z.object({ owner: username, users: usernames(CHAT_LIMITS.blocklistAdd, 'users') }),
      path: (v) => `/users/${enc(v.owner)}/blocks/users`,
      json: (v) => ({ usernames: v.users }),
      response: names,
      result: ({ data }) => data.data,
    }),
    unblock: endpoint(ctx, {
      operation: 'chat.blocks.remove',
      budget: 'chat.blocks.remove',
      method: 'DELETE',
      replay: 'idempotent',
      input: pair,
      path: (v) => `/users/${enc(v.owner)}/blocks/users/${enc(v.user)}`,
      response: entity,
      result: () => true as const,
    }),
  };
}
