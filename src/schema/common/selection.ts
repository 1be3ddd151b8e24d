/**
 * Whether a selection asks for a field along a path of field names (`['edges', 'role']`), through
 * inline and named fragments of any type condition. The members connection reads a list's admins only
 * when its edges ask for `role`, and the cost prediction counts that read by the same test.
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The operation a request runs: the one of that name, or the document's first (the cost prediction and
 * the operation metrics read the same one).
 */
export function operationToRun(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
}

export function selectsPath(
  sets: readonly SelectionSetNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode> | Readonly<Record<string, FragmentDefinitionNode>>,
  path: readonly string[],
): boolean {
  if (path.length === 0) return true;
  const [name, ...rest] = path;
  const fragmentOf = (n: string) => (fragments instanceof Map ? fragments.get(n) : (fragments as Record<string, FragmentDefinitionNode>)[n]);
  const seen = new Set<string>();
  const search = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === name && selection.selectionSet !== undefined
          ? selectsPath([selection.selectionSet], fragments, rest)
          : selection.name.value === name && rest.length === 0;
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      const fragment = fragmentOf(selection.name.value);
      return fragment !== undefined && search(fragment.selectionSet);
    });
  return sets.some(search);
}
