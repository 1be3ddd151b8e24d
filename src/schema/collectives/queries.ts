/** The root reads of groups and rooms, made for both from one definition. */
import type { CollectiveKind } from '../../agora/chat/collectives.ts';
import { COLLECTIVE_WIRE } from '../../agora/limits.ts';
import { builder } from '../builder.ts';
import { chatOf } from '../common/chat.ts';
import { nullIfNotFound } from '../common/errors.ts';
import { cursorConnection, FORWARDS_ONLY } from '../common/pagination.ts';
import { Group, Room } from './types.ts';
import { costRules } from '../common/cost-rules.ts';

const WORDING = {
  group: { one: 'A group by its Agora id.', all: 'Every group of the app.' },
  room: { one: 'A chat room by its Agora id.', all: 'Every chat room of the app.' },
} as const;

function collectiveQueries(kind: CollectiveKind) {
  const type = kind === 'group' ? Group : Room;
  const idArg = `${kind}Id`;
  builder.queryFields((t) => ({
    [kind]: t.field({
      authScopes: { user: true },
      type,
      // A lookup answers null for what does not exist, as user(username:), thread(threadId:) and node(id:) do.
      nullable: true,
      description: `${WORDING[kind].one} Null when none has this id.`,
      args: { [idArg]: t.arg.string({ required: true }) },
      resolve: async (_root, args, ctx) => {
        const id = String(args[idArg]);
        const details = await nullIfNotFound((kind === 'group' ? ctx.loaders.groups : ctx.loaders.rooms).load(id));
        return details && { kind, id, details };
      },
    }),
    [`${kind}s`]: t.connection({
      authScopes: { user: true },
      type,
      description: `${WORDING[kind].all} ${FORWARDS_ONLY}`,
      resolve: async (_root, args, ctx) => {
        const api = kind === 'group' ? chatOf(ctx).groups : chatOf(ctx).rooms;
        const c = await cursorConnection(args, (cursor, limit) => api.list({ limit, cursor }), COLLECTIVE_WIRE[kind].listLimit);
        return { ...c, edges: c.edges.map((e) => ({ cursor: e.cursor, node: { kind, id: e.node.id } })) };
      },
    }),
  }));
}

collectiveQueries('group');
collectiveQueries('room');

costRules({
  'Query.group': { kind: 'batch', loader: 'groups' },
  'Query.groups': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.listLimit },
  'Query.room': { kind: 'batch', loader: 'rooms' },
  'Query.rooms': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.listLimit },
});
