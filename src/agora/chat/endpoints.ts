/**
 * Every endpoint of seed 004 (Agora Chat RESTful API overview), with the client method that calls it
 * and the emulator route(s) that serve it. docs/chat-endpoints.md is printed from this table, and a
 * test checks that every row has both a client method and an emulator route.
 *
 * `path` is below /{org_name}/{app_name}. Where the overview and a detailed page disagree on a path or
 * method, the client uses the detailed page's form and the emulator serves both (`routes` lists both).
 */
import type { HttpMethod } from '../http.ts';

export interface ChatEndpointRow {
  group: string;
  /** The seed's name for the endpoint. */
  name: string;
  method: HttpMethod;
  path: string;
  /** `group.method` on AgoraClient.chat. */
  client: string;
  /** Emulator route names. */
  routes: readonly string[];
  /** What differs from the seed's overview, if anything. */
  note?: string;
}

const row = (group: string, name: string, method: HttpMethod, path: string, client: string, routes: string[], note?: string): ChatEndpointRow => ({
  group,
  name,
  method,
  path,
  client,
  routes,
  ...(note ? { note } : {}),
});

const USERS = 'User system integration';
const PUSH = 'Push';
const LABELS = 'Push label';
const MESSAGES = 'Messages and files';
const ATTRIBUTES = 'User attributes';
const CONTACTS = 'Contact management';
const GROUPS = 'Chat group management';
const GROUP_MEMBERS = 'Chat group member management';
const ROOMS = 'Chat room management';
const ROOM_MEMBERS = 'Chat room member management';
const MUTE = 'Global mute';
const PRESENCE = 'Presence';
const REACTION = 'Reaction';
const THREADS = 'Thread management';
const THREAD_MEMBERS = 'Thread member management';

export const CHAT_ENDPOINTS: readonly ChatEndpointRow[] = [
  row(USERS, 'Registering a user', 'POST', '/users', 'users.register', ['chat.users.register']),
  row(USERS, 'Registering multiple users', 'POST', '/users', 'users.registerMany', ['chat.users.register'], 'a JSON array of at most 60 users'),
  row(USERS, 'Retrieving a user', 'GET', '/users/{username}', 'users.get', ['chat.users.get']),
  row(USERS, 'Retrieving multiple users', 'GET', '/users', 'users.list', ['chat.users.list']),
  row(USERS, 'Deleting a user', 'DELETE', '/users/{username}', 'users.delete', ['chat.users.delete']),
  row(USERS, 'Deleting multiple users', 'DELETE', '/users', 'users.deleteMany', ['chat.users.deleteMany']),
  row(USERS, 'Banning a user', 'POST', '/users/{username}/deactivate', 'users.deactivate', ['chat.users.deactivate']),
  row(USERS, 'Unbanning a user', 'POST', '/users/{username}/activate', 'users.activate', ['chat.users.activate']),
  row(
    USERS,
    'Forcing a user offline',
    'GET',
    '/users/{username}/disconnect',
    'users.disconnect',
    ['chat.users.disconnect', 'chat.users.disconnect.post'],
    'the overview says POST, the detailed page GET',
  ),
  row(USERS, 'Querying the online state', 'GET', '/users/{username}/status', 'users.status', ['chat.users.status']),
  row(USERS, 'Querying the online state of multiple users', 'POST', '/users/batch/status', 'users.batchStatus', ['chat.users.batchStatus']),
  row(USERS, 'Querying the number of offline messages', 'GET', '/users/{owner_username}/offline_msg_count', 'users.offlineMessageCount', [
    'chat.users.offlineMessageCount',
  ]),
  row(USERS, 'Querying the delivery state of an offline message', 'GET', '/users/{username}/offline_msg_status/{msg_id}', 'users.offlineMessageStatus', [
    'chat.users.offlineMessageStatus',
  ]),
  row(PUSH, 'Setting the display nickname', 'PUT', '/users/{username}', 'users.setPushNickname', ['chat.users.update']),
  row(PUSH, 'Setting the display options', 'PUT', '/users/{username}', 'users.setPushDisplayStyle', ['chat.users.update']),
  row(PUSH, 'Setting do-not-disturb (DND)', 'PUT', '/users/{username}', 'users.setDoNotDisturb', ['chat.users.update']),
  row(PUSH, 'Sending push notifications to users', 'POST', '/push/single', 'push.sendToUsers', ['chat.push.single']),
  row(PUSH, 'Sending push notifications by labels', 'POST', '/push/list/label', 'push.sendByLabels', ['chat.push.label']),
  row(PUSH, 'Sending push notifications to all users under the app', 'POST', '/push/task', 'push.sendToAll', ['chat.push.task']),
  row(LABELS, 'Creating a push label', 'POST', '/push/label', 'pushLabels.create', ['chat.pushLabels.create']),
  row(LABELS, 'Querying the detailed information of the specified push label', 'GET', '/push/label/{labelname}', 'pushLabels.get', ['chat.pushLabels.get']),
  row(LABELS, 'Querying the detailed information of push labels by page', 'GET', '/push/label', 'pushLabels.list', ['chat.pushLabels.list']),
  row(LABELS, 'Deleting a push label', 'DELETE', '/push/label/{labelname}', 'pushLabels.delete', ['chat.pushLabels.delete']),
  row(LABELS, 'Adding users to a push label', 'POST', '/push/label/{labelname}/user', 'pushLabels.addUsers', ['chat.pushLabels.addUsers']),
  row(LABELS, 'Querying the specified user under the specified push label', 'GET', '/push/label/{labelname}/user/{member}', 'pushLabels.getUser', [
    'chat.pushLabels.getUser',
  ]),
  row(
    LABELS,
    'Querying the detailed information of users under the specified push label by page',
    'GET',
    '/push/label/{labelname}/user',
    'pushLabels.listUsers',
    ['chat.pushLabels.listUsers'],
  ),
  row(LABELS, 'Removing users from a push label', 'DELETE', '/push/label/{labelname}/user', 'pushLabels.removeUsers', ['chat.pushLabels.removeUsers']),
  row(
    MESSAGES,
    'Sending a message',
    'POST',
    '/messages/{users|chatgroups|chatrooms}',
    'messages.send',
    ['chat.messages.send', 'chat.messages.sendLegacy'],
    'the overview lists POST /messages; the detailed pages use one path per target type',
  ),
  row(MESSAGES, 'Uploading files', 'POST', '/chatfiles', 'messages.uploadFile', ['chat.files.upload']),
  row(
    MESSAGES,
    'Downloading files',
    'GET',
    '/chatfiles/{file_uuid}',
    'messages.downloadFile',
    ['chat.files.download', 'chat.files.download.post'],
    'the overview says POST, the detailed page GET',
  ),
  row(MESSAGES, 'Retrieving historical messages', 'GET', '/chatmessages/{time}', 'messages.historyFile', ['chat.messages.history']),
  row(
    MESSAGES,
    'Recalling a message',
    'POST',
    '/messages/msg_recall',
    'messages.recall',
    ['chat.messages.recall', 'chat.messages.recall.overview'],
    'the overview says /messages/recall, the detailed page /messages/msg_recall',
  ),
  row(MESSAGES, 'Deleting conversations from the server', 'DELETE', '/users/{userName}/user_channel', 'messages.deleteConversation', [
    'chat.messages.deleteConversation',
  ]),
  row(ATTRIBUTES, 'Setting user attributes', 'PUT', '/metadata/user/{username}', 'metadata.set', ['chat.metadata.set']),
  row(ATTRIBUTES, 'Retrieving user attributes', 'GET', '/metadata/user/{username}', 'metadata.get', ['chat.metadata.get']),
  row(ATTRIBUTES, 'Retrieving the user attributes of multiple users', 'POST', '/metadata/user/get', 'metadata.getMany', ['chat.metadata.getMany']),
  row(ATTRIBUTES, 'Deleting user attributes', 'DELETE', '/metadata/user/{username}', 'metadata.delete', ['chat.metadata.delete']),
  row(ATTRIBUTES, 'Retrieving the total size of user attributes', 'GET', '/metadata/user/capacity', 'metadata.capacity', ['chat.metadata.capacity']),
  row(CONTACTS, 'Adding a contact', 'POST', '/users/{owner_username}/contacts/users/{friend_username}', 'contacts.add', ['chat.contacts.add']),
  row(CONTACTS, 'Removing a contact', 'DELETE', '/users/{owner_username}/contacts/users/{friend_username}', 'contacts.remove', ['chat.contacts.remove']),
  row(CONTACTS, 'Retrieving a contact list', 'GET', '/users/{owner_username}/contacts/users', 'contacts.list', ['chat.contacts.list']),
  row(CONTACTS, 'Retrieving a block list', 'GET', '/users/{owner_username}/blocks/users', 'contacts.listBlocked', ['chat.blocks.list']),
  row(CONTACTS, 'Adding user to block list', 'POST', '/users/{owner_username}/blocks/users', 'contacts.block', ['chat.blocks.add']),
  row(CONTACTS, 'Removing user from block list', 'DELETE', '/users/{owner_username}/blocks/users/{blocked_username}', 'contacts.unblock', [
    'chat.blocks.remove',
  ]),
  row(GROUPS, 'Retrieving all chat groups in the app by page', 'GET', '/chatgroups', 'groups.list', ['chat.groups.list']),
  row(GROUPS, 'Retrieving all the chat groups the user joins', 'GET', '/users/{username}/joined_chatgroups', 'groups.joined', ['chat.groups.joined']),
  row(GROUPS, 'Retrieving chat group details', 'GET', '/chatgroups/{group_ids}', 'groups.details', ['chat.groups.details']),
  row(GROUPS, 'Creating a chat group', 'POST', '/chatgroups', 'groups.create', ['chat.groups.create']),
  row(GROUPS, 'Banning a chat group', 'POST', '/chatgroups/{group_id}/disable', 'groups.disable', ['chat.groups.disable']),
  row(GROUPS, 'Unbanning a chat group', 'POST', '/chatgroups/{group_id}/enable', 'groups.enable', ['chat.groups.enable']),
  row(GROUPS, 'Modifying chat group information', 'PUT', '/chatgroups/{group_id}', 'groups.update', ['chat.groups.update']),
  row(GROUPS, 'Deleting a chat group', 'DELETE', '/chatgroups/{group_id}', 'groups.delete', ['chat.groups.delete']),
  row(GROUP_MEMBERS, 'Retrieving chat group member list (Pagination)', 'GET', '/chatgroups/{group_id}/users', 'groups.members', ['chat.groups.members']),
  row(GROUP_MEMBERS, 'Adding a chat group member', 'POST', '/chatgroups/{group_id}/users/{username}', 'groups.addMember', ['chat.groups.addMember']),
  row(GROUP_MEMBERS, 'Adding multiple group members', 'POST', '/chatgroups/{chatgroupid}/users', 'groups.addMembers', ['chat.groups.addMembers']),
  row(GROUP_MEMBERS, 'Removing a chat group member', 'DELETE', '/chatgroups/{group_id}/users/{username}', 'groups.removeMember', ['chat.groups.removeMembers']),
  row(GROUP_MEMBERS, 'Removing multiple chat group members', 'DELETE', '/chatgroups/{group_id}/users/{usernames}', 'groups.removeMembers', [
    'chat.groups.removeMembers',
  ]),
  row(GROUP_MEMBERS, 'Retrieving chat group admin list', 'GET', '/chatgroups/{group_id}/admin', 'groups.admins', ['chat.groups.admins']),
  row(GROUP_MEMBERS, 'Adding a chat group admin', 'POST', '/chatgroups/{group_id}/admin', 'groups.addAdmin', ['chat.groups.addAdmin']),
  row(GROUP_MEMBERS, 'Removing a chat group admin', 'DELETE', '/chatgroups/{group_id}/admin/{oldadmin}', 'groups.removeAdmin', ['chat.groups.removeAdmin']),
  row(GROUP_MEMBERS, 'Transferring chat group ownership', 'PUT', '/chatgroups/{groupid}', 'groups.transferOwner', ['chat.groups.update']),
  row(ROOMS, 'Retrieving all chat rooms by page', 'GET', '/chatrooms', 'rooms.list', ['chat.rooms.list']),
  row(ROOMS, 'Retrieving chat rooms a user joins', 'GET', '/users/{username}/joined_chatrooms', 'rooms.joined', ['chat.rooms.joined']),
  row(ROOMS, 'Retrieving chat room details', 'GET', '/chatrooms/{chatroom_id}', 'rooms.details', ['chat.rooms.details']),
  row(ROOMS, 'Creating a chat room', 'POST', '/chatrooms', 'rooms.create', ['chat.rooms.create']),
  row(ROOMS, 'Modifying chat room information', 'PUT', '/chatrooms/{chatroom_id}', 'rooms.update', ['chat.rooms.update']),
  row(ROOMS, 'Deleting a chat room', 'DELETE', '/chatrooms/{chatroom_id}', 'rooms.delete', ['chat.rooms.delete']),
  row(ROOMS, 'Setting custom attributes', 'PUT', '/metadata/chatroom/{chatroom_id}/user/{username}', 'rooms.setAttributes', ['chat.rooms.setAttributes']),
  row(ROOMS, 'Retrieving custom attributes', 'POST', '/metadata/chatroom/{chatroom_id}', 'rooms.getAttributes', ['chat.rooms.getAttributes']),
  row(ROOMS, 'Forcibly setting custom attributes', 'PUT', '/metadata/chatroom/{chatroom_id}/user/{username}/forced', 'rooms.forceSetAttributes', [
    'chat.rooms.forceSetAttributes',
  ]),
  row(ROOMS, 'Removing custom attributes', 'DELETE', '/metadata/chatroom/{chatroom_id}/user/{username}', 'rooms.removeAttributes', [
    'chat.rooms.removeAttributes',
  ]),
  row(ROOMS, 'Forcibly removing custom attributes', 'DELETE', '/metadata/chatroom/{chatroom_id}/user/{username}/forced', 'rooms.forceRemoveAttributes', [
    'chat.rooms.forceRemoveAttributes',
  ]),
  row(ROOM_MEMBERS, 'Retrieving chat room member list (Pagination)', 'GET', '/chatrooms/{chatroom_id}/users', 'rooms.members', ['chat.rooms.members']),
  row(ROOM_MEMBERS, 'Adding a chat room member', 'POST', '/chatrooms/{chatroomid}/users/{username}', 'rooms.addMember', ['chat.rooms.addMember']),
  row(ROOM_MEMBERS, 'Adding multiple chat room members', 'POST', '/chatrooms/{chatroomid}/users', 'rooms.addMembers', ['chat.rooms.addMembers']),
  row(ROOM_MEMBERS, 'Removing a chat room member', 'DELETE', '/chatrooms/{chatroomid}/users/{username}', 'rooms.removeMember', ['chat.rooms.removeMembers']),
  row(ROOM_MEMBERS, 'Removing multiple chat room members', 'DELETE', '/chatrooms/{chatroomid}/users/{usernames}', 'rooms.removeMembers', [
    'chat.rooms.removeMembers',
  ]),
  row(ROOM_MEMBERS, 'Retrieving chat room admin list', 'GET', '/chatrooms/{chatroom_id}/admin', 'rooms.admins', ['chat.rooms.admins']),
  row(ROOM_MEMBERS, 'Adding a chat room admin', 'POST', '/chatrooms/{chatroom_id}/admin', 'rooms.addAdmin', ['chat.rooms.addAdmin']),
  row(ROOM_MEMBERS, 'Removing a chat room admin', 'DELETE', '/chatrooms/{chatroom_id}/admin/{oldadmin}', 'rooms.removeAdmin', ['chat.rooms.removeAdmin']),
  row(MUTE, 'Globally mute a specified user', 'POST', '/mutes', 'mutes.set', ['chat.mutes.set']),
  row(MUTE, 'Query the detailed information of global-mute', 'GET', '/mutes/{username}', 'mutes.get', ['chat.mutes.get']),
  row(MUTE, 'Retrieve all globally muted users', 'GET', '/mutes', 'mutes.list', ['chat.mutes.list']),
  row(PRESENCE, 'Setting the presence status of a user', 'POST', '/users/{username}/presence/{resource}/{status}', 'presence.set', ['chat.presence.set']),
  row(PRESENCE, 'Subscribing to the presence status of multiple users', 'POST', '/users/{username}/presence/{expiry}', 'presence.subscribe', [
    'chat.presence.subscribe',
  ]),
  row(PRESENCE, 'Retrieving the presence status of multiple users', 'POST', '/users/{username}/presence', 'presence.getMany', ['chat.presence.getMany']),
  row(PRESENCE, 'Unsubscribing from the presence status of multiple users', 'DELETE', '/users/{username}/presence', 'presence.unsubscribe', [
    'chat.presence.unsubscribe',
  ]),
  row(PRESENCE, 'Retrieving the subscriptions of a user', 'GET', '/users/{username}/presence/sublist', 'presence.subscriptions', [
    'chat.presence.subscriptions',
  ]),
  row(REACTION, 'Create a reaction', 'POST', '/reaction/user/{userId}', 'reactions.create', ['chat.reactions.create']),
  row(REACTION, 'Retrieve reactions with message IDs', 'GET', '/reaction/user/{userId}', 'reactions.list', ['chat.reactions.list']),
  row(REACTION, 'Delete a reaction', 'DELETE', '/reaction/user/{userId}', 'reactions.delete', ['chat.reactions.delete']),
  row(REACTION, 'Retrieve the detailed information of the reaction', 'GET', '/reaction/user/{userId}/detail', 'reactions.detail', ['chat.reactions.detail']),
  row(THREADS, 'Creating a thread', 'POST', '/thread', 'threads.create', ['chat.threads.create']),
  row(THREADS, 'Modifying a thread', 'PUT', '/thread/{thread_id}', 'threads.update', ['chat.threads.update']),
  row(THREADS, 'Deleting a thread', 'DELETE', '/thread/{thread_id}', 'threads.delete', ['chat.threads.delete']),
  row(THREADS, 'Retrieving all the threads under the app', 'GET', '/thread', 'threads.list', ['chat.threads.list']),
  row(THREADS, 'Retrieving all the threads a user joins under the app', 'GET', '/threads/user/{username}', 'threads.joined', ['chat.threads.joined']),
  row(THREADS, 'Retrieving all the threads a user joins under a chat group', 'GET', '/threads/chatgroups/{group_id}/user/{username}', 'threads.joinedInGroup', [
    'chat.threads.joinedInGroup',
  ]),
  row(THREAD_MEMBERS, 'Retrieving thread members', 'GET', '/thread/{thread_id}/users', 'threads.members', ['chat.threads.members']),
  row(THREAD_MEMBERS, 'Adding multiple users to a thread', 'POST', '/thread/{thread_id}/users', 'threads.addMembers', ['chat.threads.addMembers']),
  row(
    THREAD_MEMBERS,
    'Removing multiple thread members',
    'DELETE',
    '/thread/{thread_id}/users',
    'threads.removeMembers',
    ['chat.threads.removeMembers', 'chat.threads.removeMembers.overview'],
    'the overview says /threads/{thread_id}/users, the detailed page /thread/{thread_id}/users',
  ),
];

/** The table as Markdown, for the README's coverage section (`agora-graphql print-endpoints`). */
export function chatEndpointsMarkdown(): string {
  const lines = [
    '| Seed 004 endpoint | Method and path (below `/{org}/{app}`) | Client method (`client.chat.…`) | Emulator route(s) |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of CHAT_ENDPOINTS) {
    const note = r.note ? ` (${r.note})` : '';
    lines.push(`| ${r.name} | \`${r.method} ${r.path}\`${note} | \`${r.client}\` | ${r.routes.map((x) => `\`${x}\``).join(', ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
