import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import { allowedInWords, hintFor, ruleInWords, scopesFor, type AuthScopes } from './scopes.ts';
import type { Context } from '../context.ts';
import { deniedError, validationError } from './common/errors.ts';
import { decodeGlobalId } from './common/global-id.ts';

export type { Context };

export type { AuthScopes };

/** Output fields are non-null unless a field says otherwise: absence is then a deliberate, documented choice. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  AuthScopes: AuthScopes;
  Scalars: {
    DateTime: { Input: Date; Output: Date | number };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Relay before scope-auth, so that auth rules see parsed global ids (Pothos scope-auth docs); federation
  // (with the directives it needs) after the plugins that wrap resolvers (Pothos federation docs).
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, SimpleObjectsPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    decodeGlobalID: decodeGlobalId,
    nodeQueryOptions: { authScopes: { user: true } },
    nodesQueryOptions: { authScopes: { user: true } },
  },
  scopeAuth: {
    // A subscription is refused when it starts, not at its first event; event types check their own scopes on every event.
    authorizeOnSubscribe: true,
    // Denials say which rule refused: UNAUTHENTICATED for anonymous callers, FORBIDDEN for the signed-in.
    unauthorizedError: (_parent, ctx, info, result) =>
      deniedError(ctx.viewer, `${info.parentType.name}.${info.fieldName}`, {
        rule: ruleInWords(result.failure),
        allowed: allowedInWords(result.failure),
        hint: hintFor(info.parentType.getFields()[info.fieldName]?.extensions, ctx.viewer.username),
      }),
    authScopes: scopesFor,
  },
  errors: { defaultTypes: [] },
  validation: { validationError },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
