/**
 * What no request can do to the gateway, whoever sends it: graphql-armor's limits on depth (fragments
 * included; @escape.tech/graphql-armor-max-depth 2.4.2 has the 2025 fragment and `__schema` bypasses
 * fixed), aliases, directives and tokens, before anything executes; the document's size in bytes before it is
 * parsed (the token limit counts no comments); the depth of introspection, which armor's depth leaves out; field suggestions and the limits'
 * numbers kept to emulator mode; introspection only when configured (on in emulator mode). The cost
 * limit over connections is src/schema/common/cost.ts's, from the same rules as `extensions.cost`. These run as
 * yoga plugins, so they hold for HTTP and WebSocket alike.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.ts';

/** The token limit runs while parsing, without a validation context: the refusal is a parse failure. */
function rejectParse(error: GraphQLError): never {
  throw new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } });
}

/**
 * Introspection deeper than `max` fields from `__schema` or `__type` is refused: GraphiQL's and codegen's
 * introspection query (graphql-js' getIntrospectionQuery, every option on) is 15 deep, and a document that
 * nests `ofType` forty times is a way to make the gateway work, not a question. Fragments count where
 * they are spread, each fragment's depth computed once.
 */
export function introspectionDepthRule(max: number, explain: boolean) {
  return (context: ValidationContext): ASTVisitor => {
    // Indexed only when the document introspects: every other document pays one name check per field.
    let fragments: Map<string, FragmentDefinitionNode> | undefined;
    const fragmentNamed = (name: string) => {
      fragments ??= new Map(
        context
          .getDocument()
          .definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      return fragments.get(name);
    };
    const fragmentDepths = new Map<string, number>();
    const depthOf = (set: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0));
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet));
        else {
          const name = selection.name.value;
          let depth = fragmentDepths.get(name);
          if (depth === undefined) {
            // A cycle (refused by its own rule) counts nothing while it is measured.
            fragmentDepths.set(name, 0);
            const fragment = fragmentNamed(name);
            depth = fragment ? depthOf(fragment.selectionSet) : 0;
            fragmentDepths.set(name, depth);
          }
          deepest = Math.max(deepest, depth);
        }
      }
      return deepest;
    };
    return {
      Field(node) {
        if ((node.name.value !== '__schema' && node.name.value !== '__type') || !node.selectionSet) return undefined;
        const depth = 1 + depthOf(node.selectionSet);
        if (depth > max) {
          const numbers = explain ? ` (${depth} levels from \`${node.name.value}\`, at most ${max})` : '';
          context.reportError(
            new GraphQLError(`The introspection query is too deep${numbers}: ask as GraphiQL does (graphql-js' getIntrospectionQuery).`, { nodes: [node] }),
          );
        }
        return false;
      },
    };
  };
}

/** Documents larger than `maxBytes` are refused before they are parsed: comments and white space are bytes too. */
function documentSizeLimit(maxBytes: number, explain: boolean): Plugin {
  return {
    onParse({ params }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) {
        rejectParse(
          new GraphQLError(`The document is too large${explain ? ` (at most ${maxBytes} bytes)` : ''}: send a smaller one, or a persisted operation's id.`),
        );
      }
    },
  };
}

/** One plugin that adds armor's plugins (and the introspection rule) where it stands in the list. */
export function useHardening(limits: QueryLimits): Plugin {
  const expose = {
    exposeLimits: limits.explain,
    errorMessage: 'The operation was refused: it exceeds a limit of this gateway.',
    // Reported as validation errors (GRAPHQL_VALIDATION_FAILED, answered 400), not thrown as our own failures.
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => (context ? context.reportError(error) : rejectParse(error))],
  };
  const armor = new EnvelopArmor({
    // Depth counts fields, through fragments (a spread adds no level of its own), each fragment once.
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...expose },
    maxAliases: { n: limits.maxAliases, allowList: [], ...expose },
    maxDirectives: { n: limits.maxDirectives, ...expose },
    maxTokens: { n: limits.maxTokens, ...expose },
    // The cost limit is ours: it counts Agora calls and connection sizes with the cost rules.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.explain },
  });
  const plugins = armor.protect().plugins as Plugin[];
  plugins.unshift(documentSizeLimit(limits.maxDocumentBytes, limits.explain));
  const introspection = limits.introspection ? introspectionDepthRule(limits.maxIntrospectionDepth, limits.explain) : NoSchemaIntrospectionCustomRule;
  plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(introspection) });
  return {
    onPluginInit({ addPlugin }) {
      for (const plugin of plugins) addPlugin(plugin);
    },
  };
}
