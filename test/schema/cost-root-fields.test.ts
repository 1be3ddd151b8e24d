import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/auth.ts';
import { schema } from '../../src/schema/index.ts';
import { postGraphQL, startInProcessRunner } from '../helpers/gateway.ts';

/**
 * A prediction not marked estimated must equal the calls made. For every root query field (`node` and
 * `nodes` included), a query that selects what the field's type offers two levels down runs against the
 * demo data, and `extensions.cost` must say predicted = actual whenever it says estimated: false.
 */

const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * What a client typically selects: the type's leaf fields that need no argument; for a connection, those
 * of its nodes (first: 1); for a union or interface, those of each member.
 */
function selection(type: GraphQLNamedType): string {
  if (isLeafType(type)) return '';
  if (isUnionType(type) || isInterfaceType(type)) {
    const members = isUnionType(type) ? type.getTypes() : schema.getPossibleTypes(type);
    return `{ __typename ${members.map((m) => `... on ${m.name} ${selection(m)}`).join(' ')} }`;
  }
  const fields = Object.values((type as GraphQLObjectType).getFields()) as GraphQLField<unknown, unknown>[];
  const edges = fields.find((f) => f.name === 'edges');
  if (edges) {
    const node = (getNamedType(edges.type) as GraphQLObjectType).getFields().node!;
    return `{ edges { cursor node ${selection(getNamedType(node.type))} } }`;
  }
  const leaves = fields
    .filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
    .map((f) => f.name);
  return `{ ${leaves.length > 0 ? leaves.join(' ') : '__typename'} }`;
}

describe('extensions.cost through every root field', () => {
  it('predicts exactly the calls made wherever it does not say estimated', { timeout: 60_000 }, async () => {
    const { graphqlUrl, chat, control, server } = await startInProcessRunner();
    await control.updateSettings({ historyReadyDelayMs: 0 });
    const [group] = (await chat.groups.list()).items;
    const [room] = (await chat.rooms.list()).items;
    const [thread] = (await chat.threads.list()).items;
    const [label] = (await chat.pushLabels.list()).items;
    const file = await chat.messages.uploadFile({ filename: 'note.txt', content: Buffer.from('hello'), contentType: 'text/plain', restrictAccess: false });
    // A message the demo keeps for carol, who is offline.
    const [waitingForCarol] = [...(server.emulator!.state.chat.offlineQueues.get('carol') ?? [])];
    // The demo messages were sent 24 to 29 minutes before start-up: the hour of one of them has an archive.
    const hour = new Date(Date.now() - 27 * 60_000);
    hour.setUTCMinutes(0, 0, 0);

    /** Values from the demo data, by argument name. */
    const values: Record<string, unknown> = {
      username: 'alice',
      groupId: group!.id,
      roomId: room!.id,
      threadId: thread!.id,
      messageId: thread!.messageId,
      messageIds: [thread!.messageId],
      reaction: 'thumbs_up',
      label: label!.name,
      uuid: file.uuid,
      hour: hour.toISOString(),
      startTime: new Date(Date.now() - 3_600_000).toISOString(),
      endTime: new Date().toISOString(),
      destination: 'lobby',
    };
    /** node and nodes, with what a client selects on the types the ids name (a Relay refetch query, say). */
    const nodeCases: [string, string, Record<string, unknown>, string][] = [
      ['node(User)', 'node', { id: base64('User:alice') }, '{ id ... on User { nickname online presence { online } } }'],
      ['node(Group)', 'node', { id: base64(`Group:${group!.id}`) }, '{ id ... on Group { name members(first: 2) { edges { node { online } } } } }'],
      ['node(Room)', 'node', { id: base64(`Room:${room!.id}`) }, '{ id ... on Room { name memberCount } }'],
      [
        'nodes(User, Group, Room)',
        'nodes',
        { ids: [base64('User:alice'), base64('User:bob'), base64(`Group:${group!.id}`), base64(`Room:${room!.id}`)] },
        '{ id ... on User { nickname online } ... on Group { name } ... on Room { memberCount } }',
      ],
    ];

    const queryType = schema.getQueryType()!;
    const cases: { label: string; field: GraphQLField<unknown, unknown>; args: Record<string, unknown>; select?: string }[] = [];
    for (const field of Object.values(queryType.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (field.name === 'node' || field.name === 'nodes') {
        for (const [label, name, args, select] of nodeCases) if (name === field.name) cases.push({ label, field, args, select });
        continue;
      }
      const args: Record<string, unknown> = field.name === 'offlineMessageDelivered' ? { username: 'carol', messageId: waitingForCarol } : {};
      for (const arg of field.args)
        if (!(arg.name in args) && arg.name in values && (isNonNullType(arg.type) || arg.name === 'destination' || arg.name === 'groupId'))
          args[arg.name] = values[arg.name];
      // Every demo list has at least one item: a full first page, so that a prediction can be exact.
      if (/Connection$/.test(getNamedType(field.type).name)) args.first = 1;
      cases.push({ label: field.name, field, args });
    }

    const checked: string[] = [];
    const wrong: unknown[] = [];
    for (const { label, field, args, select } of cases) {
      const defs = Object.keys(args).map((name) => `$${name}: ${field.args.find((a) => a.name === name)!.type.toString()}`);
      const document = `query${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${
        defs.length
          ? `(${Object.keys(args)
              .map((n) => `${n}: $${n}`)
              .join(', ')})`
          : ''
      } ${select ?? selection(getNamedType(field.type))} }`;
      // A user's own conversations are a signed-in user's to list.
      const res = await postGraphQL(graphqlUrl, document, args, field.name === 'conversations' ? { token: await tokenFor('alice') } : {});
      expect(res.body.errors, `${label}: ${document}`).toBeUndefined();
      const cost = res.body.extensions?.cost as { predicted: number; estimated: boolean; actual: number; calls: Record<string, number> };
      if (!cost.estimated) {
        if (cost.predicted !== cost.actual) wrong.push({ label, predicted: cost.predicted, actual: cost.actual, calls: cost.calls });
        checked.push(label);
      }
    }
    expect(wrong).toEqual([]);
    // Most root fields are predicted exactly; the rest say they are estimates.
    expect(checked.length).toBeGreaterThan(15);
    expect(checked).toEqual(expect.arrayContaining(['node(Group)', 'node(User)', 'nodes(User, Group, Room)', 'group', 'user', 'users']));
  });
});
