/**
 * Demo data for `npm start` and `agora-graphql emulator`: Signaling users online in channels with
 * messages and history; a Chat app with users, attributes, contacts, a group with a thread and
 * reactions, a room with attributes, messages, presence and a push label. GraphiQL then has something
 * to show on a fresh machine.
 */
import type { ChatState } from './chat/state.ts';
import type { EmulatorState, SignalingState } from './state.ts';

export const DEMO_USERS = ['alice', 'bob', 'carol', 'dave'] as const;
export const DEMO_CHANNELS = ['lobby', 'support'] as const;

const MINUTE = 60_000;

function seedSignaling(signaling: SignalingState): void {
  for (const uid of ['alice', 'bob', 'carol']) signaling.login(uid);
  signaling.join('alice', 'lobby');
  signaling.join('bob', 'lobby');
  signaling.join('carol', 'support');
  const now = Date.now();
  const history: [string, string, 'peer_message' | 'channel_message', string][] = [
    ['alice', 'bob', 'peer_message', 'Hi Bob, are you joining the call?'],
    ['bob', 'alice', 'peer_message', 'Yes, in five minutes.'],
    ['alice', 'lobby', 'channel_message', 'Welcome to the lobby!'],
    ['carol', 'support', 'channel_message', 'Support is open.'],
  ];
  history.forEach(([src, dst, type, payload], i) => {
    const ms = now - (history.length - i) * MINUTE;
    signaling.storeHistory({ src, dst, message_type: type, payload, ms });
    if (type === 'peer_message') signaling.deliverPeer({ from: src, to: dst, payload, at: ms }, true);
    else signaling.deliverChannel({ from: src, to: dst, payload, at: ms });
  });
}

function seedChat(chat: ChatState): void {
  const people: [string, string][] = [
    ['alice', 'Alice Martin'],
    ['bob', 'Bob Chen'],
    ['carol', 'Carol Diaz'],
    ['dave', 'Dave Okafor'],
    ['erin', 'Erin Novak'],
  ];
  for (const [username, nickname] of people) {
    chat.addUser(username, { nickname });
    chat.attributes.set(username, { nickname, avatarurl: `https://avatars.example.com/${username}.png`, sign: `Hi, I am ${nickname.split(' ')[0]}` });
  }
  for (const [owner, friend] of [
    ['alice', 'bob'],
    ['alice', 'carol'],
    ['bob', 'alice'],
    ['carol', 'dave'],
  ] as const) {
    const set = chat.contacts.get(owner) ?? new Set<string>();
    set.add(friend);
    chat.contacts.set(owner, set);
  }
  chat.blocks.set('erin', new Set(['dave']));

  const team = chat.addCollective('group', {
    name: 'Product team',
    description: 'Roadmap and releases',
    owner: 'alice',
    members: ['bob', 'carol', 'dave'],
    maxUsers: 200,
  });
  team.admins.add('bob');
  const hall = chat.addCollective('room', {
    name: 'Town hall',
    description: 'Weekly all-hands',
    owner: 'dave',
    members: ['alice', 'bob', 'erin'],
    maxUsers: 1000,
  });
  hall.attributes.set('topic', { value: 'Q3 planning', owner: 'dave' });
  hall.attributes.set('host', { value: 'dave', owner: 'dave' });

  const start = Date.now() - 30 * MINUTE;
  const text = (from: string, to: string, chatType: 'chat' | 'groupchat' | 'chatroom', msg: string, minute: number) =>
    chat.addMessage({ from, to, chatType, type: 'txt', body: { msg }, ext: undefined, timestamp: start + minute * MINUTE });
  const launch = text('alice', team.id, 'groupchat', 'The release is on Thursday.', 1);
  text('bob', team.id, 'groupchat', 'QA signs off tomorrow.', 2);
  text('alice', 'bob', 'chat', 'Lunch at noon?', 3);
  text('bob', 'alice', 'chat', 'Sure!', 4);
  text('dave', hall.id, 'chatroom', 'Welcome to the town hall.', 5);
  chat.addMessage({
    from: 'carol',
    to: team.id,
    chatType: 'groupchat',
    type: 'img',
    body: { url: 'https://cdn.example.com/mockup.png', filename: 'mockup.png', size: { width: 1280, height: 720 } },
    ext: undefined,
    timestamp: start + 6 * MINUTE,
  });

  chat.reactions.set(launch.id, new Map([['thumbs_up', { id: 'demo-reaction-1', users: ['bob', 'carol'], created: start + 7 * MINUTE }]]));
  chat.threads.set('900000000000001', {
    seq: chat.nextSeq(),
    id: '900000000000001',
    name: 'Release checklist',
    owner: 'alice',
    groupId: team.id,
    msgId: launch.id,
    created: start + 8 * MINUTE,
    members: new Set(['alice', 'bob']),
  });

  // alice and bob have devices connected; bob says he is busy; carol's messages wait offline.
  chat.connect('alice');
  chat.connect('bob');
  chat.setPresence('bob', 'ios_1', 'busy', 'In a meeting until 3pm');
  for (const m of chat.messages.values()) {
    const recipients = m.chatType === 'chat' ? [m.to] : m.chatType === 'groupchat' ? [team.owner, ...team.members] : [hall.owner, ...hall.members];
    chat.deliver(
      m,
      recipients.filter((u) => u !== m.from),
      m.chatType === 'chatroom',
    );
  }
  chat.pushLabels.set('beta', {
    seq: chat.nextSeq(),
    name: 'beta',
    description: 'Beta testers',
    created: start,
    users: new Map([['alice', { seq: chat.nextSeq(), created: start }]]),
  });
}

export function seedDemoData(state: EmulatorState): void {
  seedSignaling(state.signaling);
  seedChat(state.chat);
}
