import { AgoraError, AgoraForbiddenError, AgoraNotFoundError } from '../../agora/errors.ts';
import { builder } from '../builder.ts';

/**
 * Expected failures of mutations come back as typed results (Pothos errors plugin): the field's type is
 * a union of its success and these error types, so a client handles "not a member" or "no such group"
 * in its data. Bad input (BAD_USER_INPUT) and infrastructure failures stay GraphQL errors with codes.
 */
export const DomainError = builder.interfaceRef<AgoraError>('DomainError').implement({
  description: 'An expected failure of a mutation, returned as data.',
  fields: (t) => ({
    message: t.exposeString('message'),
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
