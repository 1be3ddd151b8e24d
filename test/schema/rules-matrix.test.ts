import { isNonNullType, type GraphQLField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { tokenFor } from '../helpers/auth.ts';
import { inProcessDoor, postGraphQL, startGatewayRunner, wsClient } from '../helpers/gateway.ts';
import { subscribe } from '../helpers/live.ts';
import { operationFor, validValue } from '../helpers/operations.ts';

/**
 * Every query, mutation and subscription field, called as five viewers, against the rules table of the
 * README (written out here, not read from the schema: a field added without a place in it fails the
 * test). Arguments are valid values naming "alice" (and a group "alice" that does not exist).
 */
type Viewer = 'anonymous' | 'alice' | 'bob' | 'moderator' | 'admin';
type Outcome = 'allowed' | 'unauthenticated' | 'forbidden';
const VIEWERS: Viewer[] = ['anonymous', 'alice', 'bob', 'moderator', 'admin'];

const allow = (...who: Viewer[]) =>
  Object.fromEntries(VIEWERS.map((v) => [v, who.includes(v) ? 'allowed' : v === 'anonymous' ? 'unauthenticated' : 'forbidden'])) as Record<Viewer, Outcome>;

const RULES = {
  /** Anyone. */
  public: allow('anonymous', 'alice', 'bob', 'moderator', 'admin'),
  /** Any signed-in viewer. */
  user: allow('alice', 'bob', 'moderator', 'admin'),
  /** The user the arguments name (alice), or an admin. */
  self: allow('alice', 'admin'),
  /** Moderators and admins. */
  moderator: allow('moderator', 'admin'),
  /** Admins only; also what owning or managing a group that does not exist comes to. */
  admin: allow('admin'),
  /** alice watching alice: herself, bob (alice is his contact), moderators. */
  watches: allow('alice', 'bob', 'moderator', 'admin'),
} as const;

const TABLE: Record<keyof typeof RULES, string[]> = {
  public: ['Query.health'],
  user: [
    'Query.viewer',
    'Query.agoraMode',
    'Query.user',
    'Query.users',
    'Query.onlineStatus',
    'Query.group',
    'Query.groups',
    'Query.room',
    'Query.rooms',
    'Query.thread',
    'Query.threads',
    // A user's own list (a service is asked to name one); the horizon is the signed-in user's.
    'Query.conversations',
    'Mutation.markConversationRead',
    // All of the viewer's, or one they may see (checked in the resolver: a service is asked to name one).
    'Subscription.conversationUpdated',
    'Subscription.typing',
    'Mutation.setTyping',
    'Query.node',
    'Query.nodes',
    'Query.chatFile',
    'Mutation.uploadChatFile',
    'Subscription.heartbeat',
  ],
  self: [
    'Query.messageReactions',
    'Query.offlineMessageDelivered',
    'Query.reactionUsers',
    'Mutation.sendPeerMessage',
    'Mutation.sendChannelMessage',
    'Mutation.createGroup',
    'Mutation.createRoom',
    'Mutation.createThread',
    'Mutation.addReaction',
    'Mutation.removeReaction',
    'Mutation.setRoomAttributes',
    'Mutation.removeRoomAttributes',
    'Mutation.setPresence',
    'Mutation.setPushSettings',
    'Mutation.addContact',
    'Mutation.removeContact',
    'Mutation.blockUsers',
    'Mutation.unblockUser',
    'Mutation.deleteConversation',
    'Mutation.setUserAttributes',
    'Mutation.deleteUserAttributes',
    'Mutation.subscribePresence',
    'Mutation.unsubscribePresence',
  ],
  moderator: [
    'Query.channelHistory',
    'Query.channelHistoryCount',
    'Query.mutes',
    'Mutation.banUser',
    'Mutation.unbanUser',
    'Mutation.forceUserOffline',
    'Mutation.setGlobalMute',
    'Mutation.disableGroup',
    'Mutation.enableGroup',
    'Mutation.recallMessage',
    'Mutation.removeGroupMembers',
    'Mutation.removeRoomMembers',
    // Without a filter naming the viewer, these are everyone's events; a group no one belongs to, moderators only.
    'Subscription.userEvents',
    'Subscription.channelEvents',
    'Subscription.messageSent',
    'Subscription.groupChanged',
    'Subscription.roomChanged',
    'Subscription.messageReceived',
  ],
  admin: [
    'Mutation.reconcileMessages',
    'Query.attributesCapacity',
    'Query.chatHistory',
    'Query.eventPoller',
    'Query.pushLabel',
    'Query.pushLabels',
    'Mutation.registerUser',
    'Mutation.registerUsers',
    'Mutation.deleteUser',
    'Mutation.deleteOldestUsers',
    'Mutation.createPushLabel',
    'Mutation.deletePushLabel',
    'Mutation.addUsersToPushLabel',
    'Mutation.removeUsersFromPushLabel',
    'Mutation.sendPushToUsers',
    'Mutation.sendPushByLabels',
    'Mutation.sendPushToAll',
    'Mutation.renameThread',
    'Mutation.deleteThread',
    'Mutation.addThreadMembers',
    'Mutation.removeThreadMembers',
    // A Chat message without `from` is sent as Agora's admin.
    'Mutation.sendMessage',
    // Owning or managing a group or room of carol's, which none of the viewers but the admin owns, manages or belongs to.
    'Mutation.updateGroup',
    'Mutation.updateRoom',
    'Mutation.deleteGroup',
    'Mutation.deleteRoom',
    'Mutation.addGroupMembers',
    'Mutation.addRoomMembers',
    'Mutation.addGroupAdmin',
    'Mutation.addRoomAdmin',
    'Mutation.removeGroupAdmin',
    'Mutation.removeRoomAdmin',
    'Mutation.transferGroupOwnership',
  ],
  watches: ['Subscription.presenceChanged', 'Subscription.userStatusChanged'],
};

/** Reads a rule may make to decide (who owns or administers a group, whose contact one is): never a change. */
const RULE_READS = /^chat\.(groups|rooms)\.(details|admins|joined)$|^chat\.contacts\.list$/;

// Mutations last: what an admin changes (alice deleted, say) must not decide what others may do.
const roots = [
  ['query', schema.getQueryType()!],
  ['subscription', schema.getSubscriptionType()!],
  ['mutation', schema.getMutationType()!],
] as const;

/** Where the generic valid values do not make a valid request (a @oneOf body needs one member). */
const OVERRIDES: Record<string, Record<string, unknown>> = {
  'Mutation.sendMessage': { input: { toUsers: ['bob'], body: { text: { text: 'hi' } } } },
};

const variablesFor = (coordinate: string, field: GraphQLField<unknown, unknown>) => ({
  ...Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, validValue(a.type, a.name)])),
  ...OVERRIDES[coordinate],
});

/** The variables with every `groupId` and `roomId`, at any depth, set to these; and whether any was. */
function withCollectives(value: unknown, ids: { groupId: string; roomId: string }): { value: unknown; used: boolean } {
  let used = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([key, inner]) => {
        if (key !== 'groupId' && key !== 'roomId') return [key, walk(inner)];
        used = true;
        return [key, ids[key]];
      }),
    );
  };
  return { value: walk(value), used };
}

describe('the rules table, field by field and viewer by viewer', () => {
  it('places every root field in the table', () => {
    const placed = new Set(Object.values(TABLE).flat());
    const all = roots.flatMap(([, type]) => Object.keys(type.getFields()).map((f) => `${type.name}.${f}`));
    expect(all.filter((f) => !placed.has(f))).toEqual([]);
    expect([...placed].filter((f) => !all.includes(f))).toEqual([]);
  });

  it('answers each viewer as the table says, and no denied operation changes anything at Agora', { timeout: 120_000 }, async () => {
    const { graphqlUrl, server, run } = await startGatewayRunner({
      FAIR_OPERATIONS_PER_SECOND: '10000',
      FAIR_UPSTREAM_CALLS_PER_SECOND: '10000',
      AGORA_BUDGET_MAX_WAIT_MS: '200',
    });
    const tokens: Record<Viewer, string | null | undefined> = {
      anonymous: null,
      alice: await tokenFor('alice'),
      bob: await tokenFor('bob'),
      moderator: await tokenFor('mod', ['moderator']),
      admin: undefined, // the helpers' default: the service API key
    };
    // Subscriptions hold the port's WebSocket; queries and mutations go through the same app in process.
    const inProcessUrl = inProcessDoor(server);
    const gauge = server.metrics.registry.getSingleMetric('graphql_subscriptions_active')!;
    const activeOn = async () => (await gauge.get()).values[0]?.value ?? 0;
    const rulesOf = new Map(Object.entries(TABLE).flatMap(([rule, fields]) => fields.map((f) => [f, rule as keyof typeof RULES])));
    const mismatches: string[] = [];
    const collectivesOfCarol = async () => {
      const { createGroup } = await run<{ createGroup: { groupId: string } }>(
        'mutation { createGroup(input: { name: "Carol\'s", owner: "carol" }) { groupId } }',
      );
      const { createRoom } = await run<{ createRoom: { roomId: string } }>('mutation { createRoom(input: { name: "Carol\'s", owner: "carol" }) { roomId } }');
      return { groupId: createGroup.groupId, roomId: createRoom.roomId };
    };

    const outcomeOf = (errors: { extensions?: Record<string, unknown> }[] | undefined): Outcome => {
      // A denial names the field it refused; Agora's own FORBIDDEN (a typed error, or an upstream 403) does not.
      const denial = errors?.find((e) => e.extensions?.coordinate !== undefined);
      return denial ? (denial.extensions!.code === 'UNAUTHENTICATED' ? 'unauthenticated' : 'forbidden') : 'allowed';
    };

    for (const [kind, type] of roots) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const expected = RULES[rulesOf.get(coordinate)!];
        const query = operationFor(kind, field);
        // A rule about a group that does not exist answers NOT_FOUND before it asks who may: each field
        // that names one gets a group and a room of its own, as an admin's change (a deletion, a new
        // owner) must not decide the next field's outcome.
        const named = withCollectives(variablesFor(coordinate, field), { groupId: '', roomId: '' });
        const variables = named.used
          ? (withCollectives(named.value, await collectivesOfCarol()).value as Record<string, unknown>)
          : (named.value as Record<string, unknown>);
        // Admin last: what it changes does not decide what the others may do.
        for (const viewer of VIEWERS) {
          let outcome: Outcome;
          if (kind === 'subscription') {
            const before = await activeOn();
            const client = wsClient(graphqlUrl, { token: tokens[viewer] });
            const live = subscribe(client, field.name, query, variables);
            // Refused, it answers an error; allowed, the gateway holds it live (and says nothing until an event).
            await expect.poll(async () => live.error !== undefined || live.results.length > 0 || (await activeOn()) > before).toBe(true);
            const errors = (Array.isArray(live.error) ? live.error : live.results[0]?.errors) as { extensions?: Record<string, unknown> }[] | undefined;
            outcome = viewer === 'anonymous' && live.error !== undefined && !Array.isArray(live.error) ? 'unauthenticated' : outcomeOf(errors);
            live.stop();
            await expect.poll(activeOn).toBe(before);
          } else {
            const res = await postGraphQL(inProcessUrl, query, variables, { token: tokens[viewer] });
            // A probe refused as a request (400) never reached the rules, and would hide a missing one.
            if (res.status === 400) mismatches.push(`${coordinate} as ${viewer}: the probe is not a valid request: ${JSON.stringify(res.body.errors)}`);
            outcome = res.status === 401 ? 'unauthenticated' : outcomeOf(res.body.errors);
            const calls = Object.keys((res.body.extensions?.cost as { calls?: Record<string, number> } | undefined)?.calls ?? {});
            const changes = calls.filter((c) => !RULE_READS.test(c));
            if (outcome !== 'allowed' && changes.length > 0) mismatches.push(`${coordinate} as ${viewer}: denied, yet called ${changes.join(', ')}`);
          }
          if (outcome !== expected[viewer]) mismatches.push(`${coordinate} as ${viewer}: ${outcome}, the table says ${expected[viewer]}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
