/**
 * extensions.cost: the upstream calls an operation is predicted to cost before it runs, and the calls it
 * made. The prediction walks the operation with the rule each field's module declares beside it
 * (cost-rules.ts), using the same batch sizes as the loaders (LOADER_BATCH_SIZES) and the same page sizes
 * as the connections, so that a frontend team can see what a query costs Agora. Lists whose length Agora
 * decides (contacts, admins) are estimated at LIST_ESTIMATE items; the result then says `estimated: true`.
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
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import { LOADER_BATCH_SIZES } from '../../loaders/index.ts';
import { decodeGlobalId } from './global-id.ts';
import { DEFAULT_FIRST, MAX_COUNT } from './pagination.ts';

import { operationToRun, selectsPath } from './selection.ts';
import { costRuleOf, type CostRule as Rule, type LoaderName } from './cost-rules.ts';

export const LIST_ESTIMATE = 10;

export interface CostPrediction {
  calls: number;
  /** True when a list whose length Agora decides was estimated. */
  estimated: boolean;
  /** Objects the answer may hold: every selection counted once per parent, connections at `first`. */
  objects: number;
  /** The argument that multiplies the most, which a refusal names. */
  heaviest?: { field: string; count: number } | undefined;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  /** loader@depth[:args] -> keys asked */
  batches: Map<string, { loader: LoaderName; keys: number }>;
  calls: number;
  estimated: boolean;
  objects: number;
  /** The argument that multiplies the most (a count, or a list of ids): a refusal names it. */
  heaviest: { field: string; count: number } | undefined;
  /** Whether the request has a signed-in user (Query.viewer resolves to them). */
  signedIn: boolean;
}

function weigh(walk: Walk, field: string, count: number): void {
  if (!walk.heaviest || count > walk.heaviest.count) walk.heaviest = { field, count };
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
  // What the argument's own validation refuses (naming it) costs nothing here.
  return Number.isInteger(count) && count >= 0 && count <= MAX_COUNT ? count : 0;
}

/** The loader `node(id:)` uses for each type with global ids; a thread is found by scanning the list. */
const NODE_LOADERS: Record<string, LoaderName | 'estimated'> = {
  User: 'users',
  Group: 'groups',
  Room: 'rooms',
  // A thread is looked for page by page through the app's threads; conversations and messages are read
  // from the gateway's store, and a group's asks Agora who belongs to it: how many calls, only Agora knows.
  Thread: 'estimated',
  Conversation: 'estimated',
  Message: 'estimated',
};

/**
 * `node(id:)` and `nodes(ids:)`: the ids say which types, so which loaders, the fields under them see.
 * An id that does not decode costs nothing (the request is refused before any call).
 */
function visitNodes(walk: Walk, field: FieldNode, sets: readonly SelectionSetNode[], depth: number): void {
  const given = argValue(field, field.name.value === 'node' ? 'id' : 'ids', walk.variables);
  const ids = (Array.isArray(given) ? given : [given]).filter((id): id is string => typeof id === 'string');
  weigh(walk, field.name.value === 'node' ? 'id' : 'ids', ids.length);
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
    if (loader === 'estimated') {
      walk.calls += count;
      walk.estimated = true;
      visit(walk, sets, target, count, depth + 1, undefined);
      continue;
    }
    if (loader) {
      const entry = walk.batches.get(`${loader}@${depth}:`) ?? { loader, keys: 0 };
      entry.keys += count;
      walk.batches.set(`${loader}@${depth}:`, entry);
    }
    visit(walk, sets, target, count, depth + 1, loader);
  }
}

function visit(walk: Walk, sets: readonly SelectionSetNode[], type: GraphQLObjectType, parents: number, depth: number, loaded: LoaderName | undefined): void {
  walk.objects += parents;
  const seen = new Set<string>();
  for (const nodes of fieldsOf(walk, sets, type).values()) {
    const field = nodes[0]!;
    const definition = type.getFields()[field.name.value];
    if (!definition) continue;
    if (type === walk.schema.getQueryType() && (field.name.value === 'node' || field.name.value === 'nodes')) {
      visitNodes(
        walk,
        field,
        nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])),
        depth,
      );
      continue;
    }
    const rule = costRuleOf(`${type.name}.${field.name.value}`);
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
      weigh(walk, last !== undefined && countArg(field, 'first', walk.variables) === undefined ? 'last' : 'first', parents * first);
      walk.calls += parents * Math.max(1, Math.ceil(first / rule.pageSize)) * (rule.callsPerPage ?? 1);
      const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      if (rule.plusCallWhenSelected && selectsPath(sets, walk.fragments, rule.plusCallWhenSelected)) walk.calls += parents;
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

/**
 * Predictions already made, per schema and document (yoga's parse cache hands the same DocumentNode to
 * every request of one text). A prediction depends on the variables only through the ones the walk read
 * (a page's `first`, a list of ids), so it is kept with their names and found again by their values:
 * `user(username: $u)` is walked once whichever user is asked for.
 */
interface Predicted {
  operationName: string | null | undefined;
  signedIn: boolean;
  /** The variables the walk read, and their values then. */
  read: readonly string[];
  values: string;
  prediction: CostPrediction;
}
const predicted = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Predicted[]>>();
/** Kept per document: the variants of one document in use (pages of different sizes, say) are few. */
const PREDICTIONS_PER_DOCUMENT = 16;

const valuesOf = (names: readonly string[], variables: Record<string, unknown>) =>
  names.map((name) => (variables[name] === undefined ? '~' : JSON.stringify(variables[name]))).join(',');

export function predictCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
  signedIn = false,
): CostPrediction {
  let byDocument = predicted.get(schema);
  if (!byDocument) predicted.set(schema, (byDocument = new WeakMap()));
  let known = byDocument.get(document);
  if (!known) byDocument.set(document, (known = []));
  for (const p of known) {
    if (p.operationName === operationName && p.signedIn === signedIn && p.values === valuesOf(p.read, variables)) return p.prediction;
  }
  // The walk is a function of the variables it reads: the same values of those give the same prediction.
  const read = new Set<string>();
  const watched = new Proxy(variables, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  const prediction = Object.freeze(walkCost(schema, document, watched, operationName, signedIn));
  const names = [...read];
  if (known.length >= PREDICTIONS_PER_DOCUMENT) known.shift();
  known.push({ operationName, signedIn, read: names, values: valuesOf(names, variables), prediction });
  return prediction;
}

function walkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null | undefined,
  signedIn: boolean,
): CostPrediction {
  const operation = operationToRun(document, operationName);
  const root =
    operation && (operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : undefined);
  const walk: Walk = {
    schema,
    fragments: new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f])),
    variables,
    batches: new Map(),
    calls: 0,
    estimated: false,
    objects: 0,
    heaviest: undefined,
    signedIn,
  };
  if (!operation || !root) return { calls: 0, estimated: false, objects: 0 };
  if (operation.operation === 'mutation') walk.calls += operation.selectionSet.selections.length;
  visit(walk, [operation.selectionSet], root, 1, 0, undefined);
  let calls = walk.calls;
  for (const { loader, keys } of walk.batches.values()) calls += Math.ceil(keys / LOADER_BATCH_SIZES[loader]);
  return { calls, estimated: walk.estimated, objects: walk.objects, heaviest: walk.heaviest };
}
