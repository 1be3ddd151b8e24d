import type { ServiceContext } from '../endpoint.ts';
import { createChatContacts } from './contacts.ts';
import { createChatGroups } from './groups.ts';
import { createChatRooms } from './rooms.ts';
import { createChatFiles, createChatMessages } from './messages.ts';
import { createChatMetadata } from './metadata.ts';
import { createChatMutes } from './mutes.ts';
import { createChatPresence } from './presence.ts';
import { createChatPush, createChatPushLabels } from './push.ts';
import { createChatReactions } from './reactions.ts';
import { createChatThreads } from './threads.ts';
import { createChatUsers } from './users.ts';

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
