import type { ServiceContext } from '../endpoint.js';
import { createChatContacts } from './contacts.js';
import { createChatGroups } from './groups.js';
import { createChatRooms } from './rooms.js';
import { createChatMessages } from './messages.js';
import { createChatMetadata } from './metadata.js';
import { createChatUsers } from './users.js';

/** The Agora Chat REST client, one member per endpoint group of seed 004. */
export function createChatClient(ctx: ServiceContext) {
  return {
    users: createChatUsers(ctx),
    metadata: createChatMetadata(ctx),
    contacts: createChatContacts(ctx),
    groups: createChatGroups(ctx),
    rooms: createChatRooms(ctx),
    messages: createChatMessages(ctx),
  };
}

export type ChatClient = ReturnType<typeof createChatClient>;
