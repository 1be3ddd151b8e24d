/**
 * extensions.cost: the upstream calls an operation is predicted to cost before it runs, and the calls it
 * made. The prediction walks the operation with one rule per field, using the same batch sizes as the
 * loaders (LOADER_BATCH_SIZES) and the same page sizes as the connections, so that a frontend team can
 * see what a query costs Agora:
 *
 *   batch   one key of a per-request DataLoader per parent: ceil(parents / batch size) calls per depth
 *   call    one upstream call per parent
 *   pages   a connection: ceil(first / page size) calls per parent; its nodes multiply by `first`
 *
 * Lists whose length Agora decides (contacts, admins) are estimated at LIST_ESTIMATE items; the result
 * then says `estimated: true`. Fields without a rule cost nothing (they read what their parent holds).
 */
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { CHAT_LIMITS, COLLECTIVE_WIRE } from '../agora/limits.ts';
import { CallLedger, withCallLedger } from '../agora/call-ledger.ts';
import { LOADER_BATCH_SIZES } from '../loaders/index.ts';
import type { Context } from './builder.ts';
import { decodeGlobalId } from './global-id.ts';

type LoaderName = keyof typeof LOADER_BATCH_SIZES;

type Rule =
  | { kind: 'batch'; loader: LoaderName; argKey?: string }
  | { kind: 'call'; calls?: number; children?: 'estimate'; loads?: LoaderName; estimated?: boolean }
  | { kind: 'pages'; pageSize: number; loads?: LoaderName; callsPerPage?: number; estimated?: boolean }
  /** The signed-in user: there when the request has one, null for service requests. */
  | { kind: 'viewer' };

export const LIST_ESTIMATE = 10;
const DEFAULT_FIRST = 20;

const userEntity: Rule = { kind: 'batch', loader: 'users' };
const groupDetails: Rule = { kind: 'batch', loader: 'groups' };
const roomDetails: Rule = { kind: 'batch', loader: 'rooms' };

/** `Type.field` -> rule. Fields absent here cost nothing. */
const RULES: Record<string, Rule> = {
  'Query.viewer': { kind: 'viewer' },
  'Query.user': { kind: 'batch', loader: 'users' },
  'Query.users': { kind: 'pages', pageSize: CHAT_LIMITS.userListLimit, loads: 'users' },
  'Query.group': { kind: 'batch', loader: 'groups' },
  'Query.groups': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.listLimit },
  'Query.room': { kind: 'batch', loader: 'rooms' },
  'Query.rooms': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.listLimit },
  'Query.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  // Agora has no read of one thread: the list is scanned until it turns up.
  'Query.thread': { kind: 'call', estimated: true },
  'Query.mutes': { kind: 'pages', pageSize: CHAT_LIMITS.globalMuteListPageSize },
  'Query.pushLabels': { kind: 'pages', pageSize: 100 },
  'Query.pushLabel': { kind: 'call' },
  'Query.reactionUsers': { kind: 'pages', pageSize: 100 },
  'Query.messageReactions': { kind: 'call' },
  'Query.onlineStatus': { kind: 'call' },
  'Query.offlineMessageDelivered': { kind: 'call' },
  'Query.attributesCapacity': { kind: 'call' },
  'Query.chatFile': { kind: 'call' },
  'Query.channelHistoryCount': { kind: 'call' },
  'User.allAttributes': { kind: 'call' },
  'User.presenceSubscriptions': { kind: 'pages', pageSize: CHAT_LIMITS.presenceSublistPageSize },
  'PushLabelListing.users': { kind: 'pages', pageSize: 100 },
  'PushLabelListing.user': { kind: 'call' },
  'Message.reactions': { kind: 'call' },
  // A history page is a query and at least one read of its handle (more while Agora prepares it).
  'Query.channelHistory': { kind: 'pages', pageSize: 100, callsPerPage: 2, estimated: true },
  // The archive: its URL and the file.
  'Query.chatHistory': { kind: 'call', calls: 2, children: 'estimate' },
  'User.nickname': userEntity,
  'User.activated': userEntity,
  'User.createdAt': userEntity,
  'User.online': { kind: 'batch', loader: 'onlineStatus' },
  'User.presence': { kind: 'batch', loader: 'presence' },
  'User.attributes': { kind: 'batch', loader: 'attributes', argKey: 'keys' },
  'User.contacts': { kind: 'call', children: 'estimate' },
  'User.blocked': { kind: 'call', children: 'estimate' },
  'User.offlineMessageCount': { kind: 'call' },
  'User.mute': { kind: 'call' },
  'User.joinedGroups': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.joinedPageSize.max },
  'User.joinedRooms': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.joinedPageSize.max },
  'User.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  'Thread.members': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  'Group.members': { kind: 'pages', pageSize: COLLECTIVE_WIRE.group.memberPageSize.max },
  'Group.admins': { kind: 'call', children: 'estimate' },
  'Group.threads': { kind: 'pages', pageSize: CHAT_LIMITS.threadListLimit },
  'Room.members': { kind: 'pages', pageSize: COLLECTIVE_WIRE.room.memberPageSize.max },
  'Room.admins': { kind: 'call', children: 'estimate' },
  'Room.attributes': { kind: 'call' },
  ...Object.fromEntries(
    ['name', 'description', 'owner', 'maxUsers', 'memberCount', 'createdAt', 'custom', 'allMuted'].flatMap((f) => [
      [`Group.${f}`, groupDetails],
      [`Room.${f}`, roomDetails],
    ]),
  ),
  'Group.public': groupDetails,
  'Group.membersOnly': groupDetails,
  'Group.allowInvites': groupDetails,
  'Group.disabled': groupDetails,
  'Group.avatar': groupDetails,
};

export interface CostPrediction {
  calls: number;
  /** True when a list whose length Agora decides was estimated. */
  estimated: boolean;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** loader@depth[:args] -> keys asked */
  batches: Map<string, { loader: LoaderName; keys: number }>;
  calls: number;
  estimated: boolean;
  /** Whether the request has a signed-in user (Query.viewer resolves to them). */
  signedIn: boolean;
}

function argValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

/**
 * The fields selected on `type`, grouped by response key, collected the way graphql-js executes them: a
 * fragment spread is expanded once per selection set however often it is repeated, and fields that share
 * a response key are one field whose selections merge. So the walk is linear in the document, and a
 * document that repeats itself costs what its execution costs.
 */
function fieldsOf(walk: Walk, sets: readonly SelectionSetNode[], type: GraphQLNamedType): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const applies = (condition: string | undefined) => {
    if (!condition || condition === type.name) return true;
    const target = walk.schema.getType(condition);
    return target !== undefined && isAbstractType(target) && isObjectType(type) && walk.schema.isSubType(target, type);
  };
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        out.set(key, [...(out.get(key) ?? []), selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) collect(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = walk.fragments.get(selection.name.value);
        if (fragment && applies(fragment.typeCondition.name.value)) collect(fragment.selectionSet);
      }
    }
  };
  sets.forEach(collect);
  return out;
}

/** A count argument as the request gives it; anything that is not a count fails the request before it runs. */
function countArg(field: FieldNode, name: 'first' | 'last', variables: Record<string, unknown>): number | undefined {
  const value = argValue(field, name, variables);
  if (value === undefined || value === null) return undefined;
  const count = Number(value);
  return Number.isInteger(count) && count >= 0 ? count : 0;
}

/** The loader `node(id:)` uses for each type with global ids; a thread is found by scanning the list. */
const NODE_LOADERS: Record<string, LoaderName | undefined> = { User: 'users', Group: 'groups', Room: 'rooms', Thread: undefined };

/**
 * `node(id:)` and `nodes(ids:)`: the ids say which types, so which loaders, the fields under them see.
 * An id that does not decode costs nothing (the request is refused before any call).
 */
function visitNodes(walk: Walk, field: FieldNode, sets: readonly SelectionSetNode[], depth: number): void {
  const given = argValue(field, field.name.value === 'node' ? 'id' : 'ids', walk.variables);
  const ids = (Array.isArray(given) ? given : [given]).filter((id): id is string => typeof id === 'string');
  const byType = new Map<string, number>();
  try {
    for (const id of ids) {
      const { typename } = decodeGlobalId(id);
      byType.set(typename, (byType.get(typename) ?? 0) + 1);
    }
  } catch {
    return;
  }
  for (const [typename, count] of byType) {
    const target = walk.schema.getType(typename);
    if (!isObjectType(target)) continue;
    const loader = NODE_LOADERS[typename];
    if (loader) {
      const entry = walk.batches.get(`${loader}@${depth}:`) ?? { loader, keys: 0 };
      entry.keys += count;
      walk.batches.set(`${loader}@${depth}:`, entry);
    } else {
      // A thread is looked for page by page through the app's threads: how many pages, only Agora knows.
      walk.calls += count;
      walk.estimated = true;
    }
    visit(walk, sets, target, count, depth + 1, loader);
  }
}

function visit(walk: Walk, sets: readonly SelectionSetNode[], type: GraphQLObjectType, parents: number, depth: number, loaded: LoaderName | undefined): void {
  const seen = new Set<string>();
  for (const nodes of fieldsOf(walk, sets, type).values()) {
    const field = nodes[0]!;
    const definition = type.getFields()[field.name.value];
    if (!definition) continue;
    if (type === walk.schema.getQueryType() && (field.name.value === 'node' || field.name.value === 'nodes')) {
      visitNodes(walk, field, nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])), depth);
      continue;
    }
    const rule = RULES[`${type.name}.${field.name.value}`];
    let children = parents;
    let childLoaded: LoaderName | undefined;
    if (rule?.kind === 'batch') {
      const args = rule.argKey ? JSON.stringify(argValue(field, rule.argKey, walk.variables)) : '';
      const key = `${rule.loader}@${depth}:${args}`;
      // Fields of one selection that share a loader (and its arguments) share its keys.
      if (rule.loader !== loaded && !seen.has(key)) {
        seen.add(key);
        const entry = walk.batches.get(key) ?? { loader: rule.loader, keys: 0 };
        entry.keys += parents;
        walk.batches.set(key, entry);
      }
      childLoaded = rule.loader;
    } else if (rule?.kind === 'call') {
      walk.calls += parents * (rule.calls ?? 1);
      if (rule.estimated) walk.estimated = true;
      if (rule.children === 'estimate') {
        children = parents * LIST_ESTIMATE;
        walk.estimated = true;
      }
      childLoaded = rule.loads;
    } else if (rule?.kind === 'viewer') {
      if (!walk.signedIn) children = 0;
    } else if (rule?.kind === 'pages') {
      const last = countArg(field, 'last', walk.variables);
      const first = countArg(field, 'first', walk.variables) ?? (last === undefined ? DEFAULT_FIRST : last);
      walk.calls += parents * Math.max(1, Math.ceil(first / rule.pageSize)) * (rule.callsPerPage ?? 1);
      // Paging backwards reads up to the end of a list whose length only Agora knows.
      if (rule.estimated || last !== undefined || argValue(field, 'before', walk.variables) !== undefined) walk.estimated = true;
      children = parents * Math.min(first, last ?? first);
      childLoaded = rule.loads;
    }
    const subsets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    if (subsets.length === 0) continue;
    const named = getNamedType(definition.type);
    // Connections and edges only wrap their nodes: what their field loaded, the nodes have.
    if (!rule && (/(Connection|Edge)$/.test(named.name) || /Edge$/.test(type.name))) childLoaded = loaded;
    const targets = isObjectType(named) ? [named] : isAbstractType(named) ? walk.schema.getPossibleTypes(named) : [];
    for (const target of targets) visit(walk, subsets, target, children, depth + 1, childLoaded);
  }
}

export function predictCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
  signedIn = false,
): CostPrediction {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  const root = operation && (operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : undefined);
  const walk: Walk = {
    schema,
    fragments: new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f])),
    variables,
    batches: new Map(),
    calls: 0,
    estimated: false,
    signedIn,
  };
  if (!operation || !root) return { calls: 0, estimated: false };
  if (operation.operation === 'mutation') walk.calls += operation.selectionSet.selections.length;
  visit(walk, [operation.selectionSet], root, 1, 0, undefined);
  let calls = walk.calls;
  for (const { loader, keys } of walk.batches.values()) calls += Math.ceil(keys / LOADER_BATCH_SIZES[loader]);
  return { calls, estimated: walk.estimated };
}

/** A yoga plugin that adds `extensions.cost = { predicted, estimated, actual, calls }` to every result. */
export function useUpstreamCost(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const ledger = new CallLedger();
      const signedIn = (args.contextValue as Partial<Context> | undefined)?.viewer?.username !== undefined;
      const prediction = predictCost(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>, args.operationName, signedIn);
      setExecuteFn((a) => withCallLedger(ledger, () => executeFn(a)));
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              cost: { predicted: prediction.calls, estimated: prediction.estimated, actual: ledger.total, calls: ledger.byOperation },
            },
          });
        },
      };
    },
  };
}
