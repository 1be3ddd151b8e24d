import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import type { CallLedger } from '../agora/call-ledger.ts';
import { ruleInWords, scopesFor, type AuthScopes } from '../auth/scopes.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Audience } from '../event-shapes.ts';
import type { AgoraClient } from '../agora/client.ts';
import type { Events } from '../events/pipeline.ts';
import type { Loaders } from '../loaders/index.ts';
import { deniedError, validationError } from './errors.ts';
import { decodeGlobalId } from './global-id.ts';

export type { Viewer };

/** What every resolver sees. */
export interface Context {
  /** Agora, bound to this request: its abort signal and cost ledger go with every call. */
  agora: AgoraClient;
  /** Whether the gateway talks to the embedded emulator or to Agora. */
  mode: 'emulator' | 'agora';
  viewer: Viewer;
  /**
   * Who the answers are for, so that one execution of a subscription event serves many subscribers
   * (src/live-execution.ts). `narrow`: contexts of this viewer (and freshness) get the same answer to the
   * same operation. `wide`: so do all viewers of this kind and these roles, when nothing read who the viewer
   * is. Resolvers and rules read the viewer's identity through `viewer.username`, and only there.
   */
  audience: Audience;
  /** The peer's address (anonymous callers' fair share goes by it). */
  clientAddress: string | undefined;
  /** DataLoaders over Agora's batch endpoints, made per request (and per event of a subscription). */
  loaders: Loaders;
  /** Every upstream call the request made (`agora` records into it): `extensions.cost.actual`. */
  ledger: CallLedger;
  /** A new set of loaders, so that each subscription event reads Agora afresh. */
  renewLoaders(this: Context): void;
  /** The event pipeline: subscriptions read it, mutations publish what they changed. */
  events: Events;
}

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
  // Relay before scope-auth, so that auth rules see parsed global ids (Pothos scope-auth docs).
  plugins: [RelayPlugin, ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, DataloaderPlugin, SimpleObjectsPlugin],
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
    unauthorizedError: (_parent, ctx, info, result) => deniedError(ctx.viewer, `${info.parentType.name}.${info.fieldName}`, ruleInWords(result.failure)),
    authScopes: scopesFor,
  },
  errors: { defaultTypes: [] },
  validation: { validationError },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
