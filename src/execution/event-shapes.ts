/**
 * What lets subscribers share an event's execution (./live-execution.ts): the shape of a subscription
 * (its operation, the values of the variables its selection reads, and its audience at two grains), and
 * the results of recent events by shape.
 */
import { Kind, visit, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Audience } from '../context.ts';
import { createInterner } from '../lib/intern.ts';

export interface SharingOptions {
  /** Who the context's answers are for; undefined: its events are never shared. */
  audienceOf(context: unknown): Audience | undefined;
  /** A context for one execution that notes whether anything read who the viewer is. */
  watchIdentity(context: unknown): { context: unknown; identityRead(): boolean };
  /** Whether a payload is an event that many subscribers receive as one object (others are never shared). */
  isSharedEvent(payload: unknown): boolean;
}

export interface SharedResult<R> {
  result: R;
  /** The signal of the subscription that executed it: its upstream calls were aborted with it. */
  signal: AbortSignal | undefined;
  /** The narrow shape of the subscription that executed it: its viewer's answer, whatever it read. */
  narrow: string;
  /** Whether its execution read who the viewer is (known once it settled). */
  identityRead: () => boolean;
}

/**
 * The results of recent events, by event and shape. Bounded: a subscriber that comes to an event after
 * its results were dropped (far behind in its queue) executes it itself, which is only slower.
 */
export class SharedResults<R> {
  readonly #byEvent = new Map<object, Map<string, SharedResult<R>>>();
  #size = 0;
  readonly capacity: number;

  constructor(capacity = 4096) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  get(event: object, shape: string): SharedResult<R> | undefined {
    return this.#byEvent.get(event)?.get(shape);
  }

  set(event: object, shape: string, shared: SharedResult<R>): void {
    let shapes = this.#byEvent.get(event);
    if (!shapes) this.#byEvent.set(event, (shapes = new Map()));
    if (!shapes.has(shape)) this.#size++;
    shapes.set(shape, shared);
    // The oldest events go first (a Map iterates in insertion order).
    for (const [oldest, oldestShapes] of this.#byEvent) {
      if (this.#size <= this.capacity || oldest === event) break;
      this.#byEvent.delete(oldest);
      this.#size -= oldestShapes.size;
    }
  }
}

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** A parsed document's number: yoga's parser cache hands the same object to every request with the same text. */
export function documentId(document: DocumentNode): number {
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
  return id;
}

/**
 * The variables an event's result can depend on: every variable the operation uses except in its root
 * fields' arguments, which only choose the events (fragments followed, directives included).
 */
export function variablesReadByEvents(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): string[] {
  const names = new Set<string>();
  const followed = new Set<string>();
  const fragmentNamed = (name: string) => {
    if (followed.has(name)) return undefined;
    followed.add(name);
    return fragments[name];
  };
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable: (variable) => void names.add(variable.name.value),
      FragmentSpread: (spread) => {
        const fragment = fragmentNamed(spread.name.value);
        if (fragment) collect(fragment);
      },
    });
  const rootLevel = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      selection.directives?.forEach(collect);
      if (selection.kind === Kind.FIELD) {
        if (selection.selectionSet) collect(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        rootLevel(selection.selectionSet);
      } else {
        const fragment = fragmentNamed(selection.name.value);
        fragment?.directives?.forEach(collect);
        if (fragment) rootLevel(fragment.selectionSet);
      }
    }
  };
  operation.directives?.forEach(collect);
  rootLevel(operation.selectionSet);
  return [...names].sort();
}

const namesRead = new WeakMap<OperationDefinitionNode, string[]>();

/** variablesReadByEvents, once per parsed operation: every subscriber of a client app sends the same one. */
function namesReadBy(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): string[] {
  let names = namesRead.get(operation);
  if (!names) namesRead.set(operation, (names = variablesReadByEvents(operation, fragments)));
  return names;
}

/** Wide shapes are few and held by every subscriber of each: one instance of each. */
const wideShape = createInterner(1_000);

/** A subscription's shape at both grains of its audience. */
export type Shape = Audience;

/** The shape of a subscription: equal shapes get equal results for one event. */
export function shapeOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variableValues: Record<string, unknown>,
  audience: Audience,
): Shape {
  // Absent and null are told apart: an argument given no variable takes its default.
  const read = namesReadBy(operation, fragments).map((name) => (name in variableValues ? [name, variableValues[name]] : [name]));
  const shape = (who: string) => JSON.stringify([documentId(document), operation.name?.value ?? null, read, who]);
  return { narrow: shape(audience.narrow), wide: wideShape(shape(audience.wide)) };
}
