/**
 * Conversations over real HTTP, as a chat frontend reads them: a message from an SDK client (the
 * emulator's, through Chat's callback) in both users' lists and histories; unread counts that move with
 * sends and markConversationRead; a recall; what a non-member sees of a group (nothing); a dropped
 * callback restored by reconciliation, exactly once; and two instances sharing one Redis.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { EmulatorControl } from '../../src/emulator/control-client.ts';
import { seedDemoData } from '../../src/emulator/seed.ts';
import { tokenFor } from '../helpers/auth.ts';
import { startEmulator } from '../helpers/agora.ts';
import { postGraphQL, startGateway, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { activeSubscriptions, subscribe } from '../helpers/live.ts';
import { startRedis } from '../helpers/redis.ts';
import { recordMessages } from '../../src/conversations/ingest.ts';
import { createReconciler } from '../../src/conversations/reconcile.ts';
import { createLogger } from '../../src/observability/logger.ts';

interface ConversationNode {
  id: string;
  type: string;
  with: { username: string } | null;
  group: { groupId: string } | null;
  unreadCount: number;
  lastMessage: { messageId: string; sender: { username: string }; body: { text?: string } | null } | null;
}

const LIST = `query ($unread: Boolean) { conversations(first: 50, hasUnread: $unread) { edges { node {
  id type with { username } group { groupId } unreadCount lastMessage { messageId sender { username } body { ... on TextBody { text } } }
} } } }`;
const HISTORY = `query ($id: ID!) { node(id: $id) { ... on Conversation { messages(last: 20) { edges { node { id messageId recalled sender { username } body { ... on TextBody { text } } } } } } } }`;

/** A user's view, over HTTP with their own token. */
async function viewer(graphqlUrl: string, username: string) {
  const token = await tokenFor(username);
  const ask = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await postGraphQL(graphqlUrl, query, variables, { token });
    if (res.body.errors) throw new Error(`${username}: ${JSON.stringify(res.body.errors)}`);
    return res.body.data as T;
  };
  const list = async (unread?: boolean) =>
    (await ask<{ conversations: { edges: { node: ConversationNode }[] } }>(LIST, { unread: unread ?? null })).conversations.edges.map((e) => e.node);
  const withUser = async (other: string) => (await list()).find((c) => c.with?.username === other);
  const history = async (id: string) =>
    (
      await ask<{
        node: {
          messages: { edges: { node: { id: string; messageId: string; recalled: boolean; sender: { username: string }; body: { text?: string } } }[] };
        } | null;
      }>(HISTORY, { id })
    ).node?.messages.edges.map((e) => e.node);
  const markRead = (id: string) =>
    ask<{ markConversationRead: { unreadCount: number; readUpTo: string | null } }>(
      'mutation ($id: ID!) { markConversationRead(conversationId: $id) { unreadCount readUpTo } }',
      { id },
    );
  return { ask, list, withUser, history, markRead };
}

/** Where a test runs: `graphqlUrl` is the instance users talk to; `server` takes the callbacks and the admin's calls. */
interface World {
  graphqlUrl: string;
  control: EmulatorControl;
  run: Awaited<ReturnType<typeof startGatewayRunner>>['run'];
  server: App;
  users: App;
}

const CALLBACK_SECRET = 'conversations-callback-secret';

/** The same suite, on one instance with the store in memory, and on two instances sharing one Redis. */
const SETUPS: [string, (env?: Record<string, string>) => Promise<World>][] = [
  [
    'one instance, the store in memory',
    async (env = {}) => {
      const one = await startGatewayRunner(env);
      return { ...one, users: one.server };
    },
  ],
  [
    'two instances on one Redis: callbacks and admin on one, users on the other',
    async (env = {}) => {
      const redis = await startRedis();
      const { emulator, control } = await startEmulator();
      seedDemoData(emulator.state);
      const shared = { REDIS_URL: redis.url, CHAT_CALLBACK_SECRETS: CALLBACK_SECRET, ...env };
      const one = await startGatewayRunner(shared, (e) => startGateway(e, { emulator }));
      const two = await startGateway({ AGORA_RETRY_UNIT_MS: '5', ...shared }, { emulator });
      await control.chat.setCallbackRules([{ url: new URL('/agora/chat/callbacks', one.graphqlUrl).href, secret: CALLBACK_SECRET }]);
      return { graphqlUrl: two.graphqlUrl, control, run: one.run, server: one.server, users: two.server };
    },
  ],
];

for (const [where, setup] of SETUPS)
  describe(`conversations (${where})`, () => {
    it('lists an SDK message for both users, counts unread until read, shows a recall, and gives a non-member nothing of a group', async () => {
      const { graphqlUrl, control, run } = await setup();
      const [alice, bob, erin] = [await viewer(graphqlUrl, 'alice'), await viewer(graphqlUrl, 'bob'), await viewer(graphqlUrl, 'erin')];

      // alice's SDK client writes to bob: the callback brings it to the gateway's store.
      await control.chat.send('alice', { to: 'bob', text: 'hello from the SDK' });
      await expect.poll(async () => (await bob.withUser('alice'))?.unreadCount).toBe(1);
      const ofBob = (await bob.withUser('alice'))!;
      expect(ofBob).toMatchObject({ type: 'USER', lastMessage: { sender: { username: 'alice' }, body: { text: 'hello from the SDK' } } });
      expect(await alice.withUser('bob')).toMatchObject({ id: ofBob.id, unreadCount: 0, with: { username: 'bob' } });

      // bob answers through the gateway: in the store when the send answers.
      await bob.ask('mutation { sendMessage(input: { from: "bob", toUsers: ["alice"], body: { text: { text: "hi alice" } } }) { __typename } }');
      expect((await alice.withUser('bob'))?.unreadCount).toBe(1);
      expect((await alice.list(true)).map((c) => c.with?.username)).toContain('bob');
      expect((await alice.markRead(ofBob.id)).markConversationRead).toMatchObject({ unreadCount: 0, readUpTo: expect.any(String) });
      expect((await alice.list(true)).map((c) => c.with?.username)).not.toContain('bob');

      // Both read the same history, oldest first; a moderator's recall shows in it.
      const history = (await alice.history(ofBob.id))!;
      expect(history.map((m) => [m.sender.username, m.body.text, m.recalled])).toEqual([
        ['alice', 'hello from the SDK', false],
        ['bob', 'hi alice', false],
      ]);
      expect(await bob.history(ofBob.id)).toEqual(history);
      await run('mutation ($id: String!) { recallMessage(input: { messageId: $id, conversation: USER, to: "alice", from: "bob" }) { __typename } }', {
        id: history[1]!.messageId,
      });
      expect((await alice.history(ofBob.id))!.map((m) => m.recalled)).toEqual([false, true]);
      // A moderator sees any conversation.
      const moderator = await tokenFor('mod', ['moderator']);
      const asModerator = await postGraphQL(graphqlUrl, HISTORY, { id: ofBob.id }, { token: moderator });
      expect((asModerator.body.data as { node: { messages: { edges: unknown[] } } }).node.messages.edges).toHaveLength(2);
      // Not another's: erin sees neither the conversation nor its messages.
      expect((await erin.ask<{ node: unknown }>(HISTORY, { id: ofBob.id })).node).toBeNull();
      expect((await erin.ask<{ node: unknown }>('query ($id: ID!) { node(id: $id) { id } }', { id: history[0]!.id })).node).toBeNull();

      // The demo group (alice owns it; carol and dave are members): a member's message is in the members' lists, not erin's.
      const { user } = await run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
        '{ user(username: "carol") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
      );
      const groupId = user.joinedGroups.edges[0]!.node.groupId;
      await control.chat.send('carol', { to: groupId, chatType: 'groupchat', text: 'team lunch?' });
      await expect.poll(async () => (await alice.list()).find((c) => c.group?.groupId === groupId)?.lastMessage?.body?.text).toBe('team lunch?');
      const group = (await alice.list()).find((c) => c.group?.groupId === groupId)!;
      expect(group).toMatchObject({ type: 'GROUP', unreadCount: 1 });
      expect((await erin.list()).find((c) => c.group?.groupId === groupId)).toBeUndefined();
      expect((await erin.ask<{ node: unknown }>(HISTORY, { id: group.id })).node).toBeNull();
      await expect(erin.markRead(group.id)).rejects.toThrow(/FORBIDDEN/);
    });

    it('conversationUpdated tells new messages, reads and recalls to those who may see them, and resumes with after', async () => {
      const { graphqlUrl, control, run, users } = await setup();
      const UPDATES = `subscription ($id: ID, $after: String) { conversationUpdated(conversationId: $id, after: $after) {
      cursor change by { username } message { sender { username } recalled body { ... on TextBody { text } } } conversation { type unreadCount } } }`;
      type Update = {
        cursor: string;
        change: string;
        by: { username: string } | null;
        message: { sender: { username: string }; recalled: boolean; body: { text?: string } } | null;
        conversation: { type: string; unreadCount: number };
      };
      const as = async (username: string) => wsClient(graphqlUrl, { token: await tokenFor(username) });
      const bobsUpdates = subscribe<Update>(await as('bob'), 'conversationUpdated', UPDATES);
      const erinsUpdates = subscribe<Update>(await as('erin'), 'conversationUpdated', UPDATES);
      await activeSubscriptions(users, 2);

      await control.chat.send('alice', { to: 'bob', text: 'are you there?' });
      const [first] = await bobsUpdates.waitFor(1);
      expect(first).toMatchObject({
        change: 'MESSAGE',
        message: { sender: { username: 'alice' }, body: { text: 'are you there?' } },
        conversation: { type: 'USER', unreadCount: 1 },
      });
      // alice follows the one conversation, and sees bob read it: a read receipt.
      const bob = await viewer(graphqlUrl, 'bob');
      const id = (await bob.withUser('alice'))!.id;
      const alicesUpdates = subscribe<Update>(await as('alice'), 'conversationUpdated', UPDATES, { id });
      await activeSubscriptions(users, 3);
      await bob.markRead(id);
      expect((await alicesUpdates.waitFor(1))[0]).toMatchObject({ change: 'READ', by: { username: 'bob' } });
      const { sendMessage } = await run<{ sendMessage: { data: { messageId: string }[] } }>(
        'mutation { sendMessage(input: { from: "bob", toUsers: ["alice"], body: { text: { text: "yes" } } }) { ... on MutationSendMessageSuccess { data { messageId } } } }',
      );
      const messageId = sendMessage.data[0]!.messageId;
      await run('mutation ($id: String!) { recallMessage(input: { messageId: $id, conversation: USER, to: "alice", from: "bob" }) { __typename } }', {
        id: messageId,
      });
      // Both messages reached an online device (the demo's users are online): a delivery receipt each, told
      // as it comes (Chat's callbacks arrive in their own time); the rest in the order it happened.
      const bobs = await bobsUpdates.waitFor(6);
      const told = (updates: Update[]) => updates.filter((u) => u.change !== 'DELIVERED').map((u) => [u.change, u.by?.username ?? u.message?.body.text]);
      expect(told(bobs)).toEqual([
        ['MESSAGE', 'are you there?'],
        ['READ', 'bob'],
        ['MESSAGE', 'yes'],
        ['RECALL', 'yes'],
      ]);
      expect(
        bobs
          .filter((u) => u.change === 'DELIVERED')
          .map((u) => u.by?.username)
          .sort(),
      ).toEqual(['alice', 'bob']);
      // Resumed after the first: the rest, once, in order.
      const resumed = subscribe<Update>(await as('bob'), 'conversationUpdated', UPDATES, { after: first!.cursor });
      expect(told(await resumed.waitFor(5))).toEqual(told(bobs).slice(1));
      // erin is in none of it; a group of which she is no member is refused by id.
      expect(erinsUpdates.events()).toEqual([]);
      const { user } = await run<{ user: { joinedGroups: { edges: { node: { groupId: string } }[] } } }>(
        '{ user(username: "carol") { joinedGroups(first: 1) { edges { node { groupId } } } } }',
      );
      const groupKey = Buffer.from(`Conversation:group:${user.joinedGroups.edges[0]!.node.groupId}`).toString('base64');
      const refused = subscribe(await as('erin'), 'conversationUpdated', UPDATES, { id: groupKey });
      await expect.poll(() => refused.error ?? refused.results[0]?.errors).toBeDefined();
      expect(JSON.stringify(refused.error ?? refused.results[0]?.errors)).toContain('FORBIDDEN');
    });

    it("shows Chat's receipts: delivered when bob's device got it, read when he read it, which also clears his unread count", async () => {
      const { graphqlUrl, control } = await setup();
      const [alice, bob] = [await viewer(graphqlUrl, 'alice'), await viewer(graphqlUrl, 'bob')];
      await control.chat.connect('bob');
      await control.chat.send('alice', { to: 'bob', text: 'did you get this?' });
      await expect.poll(async () => (await bob.withUser('alice'))?.unreadCount).toBe(1);
      const id = (await alice.withUser('bob'))!.id;
      const RECEIPTS = `query ($id: ID!) { node(id: $id) { ... on Conversation { messages(last: 1) { edges { node { messageId delivered readAt readBy { username } } } } } } }`;
      const last = async () =>
        (
          await alice.ask<{
            node: { messages: { edges: { node: { messageId: string; delivered: boolean; readAt: string | null; readBy: { username: string } | null } }[] } };
          }>(RECEIPTS, { id })
        ).node.messages.edges[0]!.node;
      await expect.poll(async () => (await last()).delivered).toBe(true);
      expect(await last()).toMatchObject({ readAt: null, readBy: null });
      await control.chat.read('bob', (await last()).messageId);
      await expect.poll(async () => (await last()).readBy).toEqual({ username: 'bob' });
      expect((await bob.withUser('alice'))?.unreadCount).toBe(0);
    });

    it('carries typing as signals: to the others in the conversation, live, and never as a message', async () => {
      const { graphqlUrl, control, run, users } = await setup();
      const [alice, bob] = [await viewer(graphqlUrl, 'alice'), await viewer(graphqlUrl, 'bob')];
      await control.chat.send('alice', { to: 'bob', text: 'hi' });
      await expect.poll(async () => (await bob.withUser('alice'))?.id).toBeDefined();
      const id = (await bob.withUser('alice'))!.id;
      const TYPING = 'subscription ($id: ID!) { typing(conversationId: $id) { user { username } typing } }';
      const bobSees = subscribe<{ user: { username: string }; typing: boolean }>(wsClient(graphqlUrl, { token: await tokenFor('bob') }), 'typing', TYPING, {
        id,
      });
      const aliceSees = subscribe(wsClient(graphqlUrl, { token: await tokenFor('alice') }), 'typing', TYPING, { id });
      await activeSubscriptions(users, 2);
      await alice.ask('mutation ($id: ID!) { setTyping(conversationId: $id) }', { id });
      await alice.ask('mutation ($id: ID!) { setTyping(conversationId: $id, typing: false) }', { id });
      // An SDK client's own signal (the same command action), through Chat's callback, is heard the same way.
      await control.chat.send('alice', { to: 'bob', action: 'TypingBegin' });
      expect(await bobSees.waitFor(3)).toEqual([
        { user: { username: 'alice' }, typing: true },
        { user: { username: 'alice' }, typing: false },
        { user: { username: 'alice' }, typing: true },
      ]);
      expect(aliceSees.events()).toEqual([]);
      // The command messages reached Agora, and none is in the conversation, nor comes back by reconciliation.
      expect(await control.callCount('chat.messages.send')).toBeGreaterThanOrEqual(2);
      await run('mutation ($hour: DateTime!) { reconcileMessages(hour: $hour) { added } }', { hour: new Date().toISOString() });
      // (The hour's export may hold the demo data's messages too: what matters is that no command is among them.)
      const texts = (await bob.history(id))!.map((m) => m.body.text);
      expect(texts).toContain('hi');
      expect(texts.filter((t) => t === undefined)).toEqual([]);
      // A stranger may not watch it.
      const erinTries = subscribe(wsClient(graphqlUrl, { token: await tokenFor('erin') }), 'typing', TYPING, { id });
      await expect.poll(() => erinTries.error ?? erinTries.results[0]?.errors).toBeDefined();
      expect(JSON.stringify(erinTries.error ?? erinTries.results[0]?.errors)).toContain('FORBIDDEN');
    });

    it('with shared reads, a list read again asks Agora nothing, and a membership change shows at once', async () => {
      const { graphqlUrl, run } = await setup({ SHARED_READS: 'on', CACHE_TTL_COLLECTIVE_MS: '60000' });
      const erin = await viewer(graphqlUrl, 'erin');
      const cost = async () => (await postGraphQL(graphqlUrl, LIST, {}, { token: await tokenFor('erin') })).body.extensions?.cost as { actual: number };
      expect((await cost()).actual).toBe(2);
      expect((await cost()).actual).toBe(0);
      const { createGroup } = await run<{ createGroup: { groupId: string } }>('mutation { createGroup(input: { name: "New", owner: "alice" }) { groupId } }');
      await run('mutation ($id: String!) { addGroupMembers(groupId: $id, usernames: ["erin"]) { __typename } }', { id: createGroup.groupId });
      await expect.poll(async () => (await erin.list()).some((c) => c.group?.groupId === createGroup.groupId)).toBe(true);
    });

    it('restores a dropped callback by reconciliation from the hourly export, exactly once', async () => {
      const { graphqlUrl, control, run } = await setup();
      const carol = await viewer(graphqlUrl, 'carol');
      await control.chat.send('alice', { to: 'carol', text: 'first' });
      await expect.poll(async () => (await carol.withUser('alice'))?.unreadCount).toBe(1);
      // Agora loses the next callback (its delivery and its retry both failed).
      await control.chat.dropCallbacks(1);
      await control.chat.send('alice', { to: 'carol', text: 'lost in transit' });
      await expect.poll(async () => (await control.chat.callbackStats()).dropped).toBe(1);
      const id = (await carol.withUser('alice'))!.id;
      expect((await carol.history(id))!.map((m) => m.body.text)).toEqual(['first']);

      const reconcile = () =>
        run<{ reconcileMessages: { read: number; added: number } }>('mutation ($hour: DateTime!) { reconcileMessages(hour: $hour) { hour read added } }', {
          hour: new Date().toISOString(),
        });
      // What no callback brought is added: the lost message (and the demo data's, seeded into the emulator without callbacks).
      const first = (await reconcile()).reconcileMessages;
      expect(first.added).toBeGreaterThanOrEqual(1);
      expect((await carol.history(id))!.map((m) => m.body.text)).toEqual(['first', 'lost in transit']);
      expect((await carol.withUser('alice'))?.unreadCount).toBe(2);
      // Again: nothing more is added, nothing twice.
      expect((await reconcile()).reconcileMessages).toMatchObject({ read: first.read, added: 0 });
      expect((await carol.history(id))!).toHaveLength(2);
    });

    it("the background job reconciles each completed hour once, and only on the poller's leader", async () => {
      const { server, control, graphqlUrl } = await setup();
      await control.chat.dropCallbacks(1);
      await control.chat.send('alice', { to: 'dave', text: 'only in the export' });
      await expect.poll(async () => (await control.chat.callbackStats()).dropped).toBe(1);
      // The job as the gateway runs it, two hours on: this hour is then completed, and the latest it reads.
      let leads = false;
      const job = createReconciler({
        chat: server.agora.chat,
        store: server.conversations,
        record: (messages) => recordMessages(server.events, server.conversations, messages),
        leads: () => leads,
        settings: { intervalMs: 60_000, delayMs: 3_600_000, lookbackHours: 1 },
        logger: createLogger('silent'),
        now: () => Date.now() + 2 * 3_600_000,
      });
      expect(await job.pass()).toEqual([]);
      leads = true;
      const [pass] = await job.pass();
      expect(pass?.added).toBeGreaterThanOrEqual(1);
      expect(await job.pass()).toEqual([]);
      const dave = await viewer(graphqlUrl, 'dave');
      expect((await dave.withUser('alice'))?.lastMessage?.body?.text).toBe('only in the export');
    });
  });
