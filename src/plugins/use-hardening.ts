/**
 * What no request can do to the gateway, whoever sends it: graphql-armor's limits on depth (fragments
 * included; @escape.tech/graphql-armor-max-depth 2.4.2 has the 2025 fragment and `__schema` bypasses
 * fixed), aliases, directives and tokens, before anything executes; field suggestions and the limits'
 * numbers kept to emulator mode; introspection only when configured (on in emulator mode). The cost
 * limit over connections is src/schema/common/cost.ts's, from the same rules as `extensions.cost`. These run as
 * yoga plugins, so they hold for HTTP and WebSocket alike.
 */
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';

import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.ts';

/** The token limit runs while parsing, without a validation context: the refusal is a parse failure. */
function rejectParse(error: GraphQLError): never {
  throw new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } });
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
  if (!limits.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
  return {
    onPluginInit({ addPlugin }) {
      for (const plugin of plugins) addPlugin(plugin);
    },
  };
}
