import { AgoraError, AgoraForbiddenError, AgoraNotFoundError } from '../../agora/errors.ts';
import { builder } from '../builder.ts';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A domain error's message: what Agora said of it, without the gateway's diagnostics ("Agora chat
 * chat.groups.addAdmin answered 404: ...", which logs keep); a sentence of the gateway's own when Agora
 * said nothing.
 */
export function domainMessage(error: AgoraError): string {
  if (!DIAGNOSTIC.test(error.message)) return error.message;
  const said = error.detail?.trim();
  const what = said?.match(/^service resource not found:?\s*(.*)$/i);
  if (what) return what[1] ? `Not found: ${what[1]}` : 'Not found';
  if (said) return capitalized(said);
  return error instanceof AgoraNotFoundError ? 'Not found' : 'Agora does not allow this';
}

/** The gateway's own account of an Agora answer (src/agora/errors.ts), which the gateway writes for logs. */
const DIAGNOSTIC = /^Agora \S+ \S+ answered \d{3}/;

/**
 * Expected failures of mutations come back as typed results (Pothos errors plugin): the field's type is
 * a union of its success and these error types, so a client handles "not a member" or "no such group"
 * in its data. Bad input (BAD_USER_INPUT) and infrastructure failures stay GraphQL errors with codes.
 */
export const DomainError = builder.interfaceRef<AgoraError>('DomainError').implement({
  description: 'An expected failure of a mutation, returned as data.',
  fields: (t) => ({
    message: t.string({ description: 'What went wrong, in a sentence for a person (the Agora call is `operation`).', resolve: domainMessage }),
    operation: t.exposeString('operation', { description: 'The Agora call that failed.' }),
    agoraCode: t.string({ nullable: true, description: "Agora's error code, e.g. forbidden_op.", resolve: (e) => e.agoraCode ?? null }),
  }),
});

builder.objectType(AgoraNotFoundError, {
  name: 'NotFoundError',
  authScopes: { public: true },
  description: 'The user, group, room, thread or message does not exist.',
  interfaces: [DomainError],
});

builder.objectType(AgoraForbiddenError, {
  name: 'ForbiddenError',
  authScopes: { public: true },
  description: 'Agora does not allow it: not a member, the owner cannot be removed, a limit of the plan...',
  interfaces: [DomainError],
});

/** The error types a mutation with expected failures declares. */
export const domainErrors = { types: [AgoraNotFoundError, AgoraForbiddenError] };
