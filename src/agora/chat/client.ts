import type { ServiceContext } from '../endpoint.js';
import { createChatContacts } from './contacts.js';
import { createChatGroups } from './groups.js';
import { createChatRooms } from './rooms.js';
import { createChatFiles, createChatMessages } from './messages.js';
import { createChatMetadata } from './metadata.js';
import { createChatMutes } from './mutes.js';
import { createChatPresence } from './presence.js';
import { createChatPush, createChatPushLabels } from './push.js';
import { createChatReactions } from './reactions.js';
import { createChatThreads } from './threads.js';
import { createChatUsers } from './users.js';

/** The Agora Chat REST client, one member per endpoint group of seed 004. */
export function createChatClient(ctx: ServiceContext) {
  return {
    users: createChatUsers(ctx),
    metadata: createChatMetadata(ctx),
    contacts: createChatContacts(ctx),
    groups: createChatGroups(ctx),
    rooms: createChatRooms(ctx),
    messages: { ...createChatMessages(ctx), ...createChatFiles(ctx) },
    mutes: createChatMutes(ctx),
    presence: createChatPresence(ctx),
    reactions: createChatReactions(ctx),
    threads: createChatThreads(ctx),
    push: createChatPush(ctx),
    pushLabels: createChatPushLabels(ctx),
  };
}

export type ChatClient = ReturnType<typeof createChatClient>;
