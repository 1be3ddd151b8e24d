/**
 * The gateway as an Apollo Federation 2 subgraph (FEDERATION=on): `User` is an entity keyed by `username`,
 * `Group` and `Room` by their global `id` or their Agora id (`groupId`, `roomId`). A reference is resolved
 * without a call: the entity's fields read Agora through the request's loaders when asked, so `_entities`
 * for 100 users makes the calls their fields need and no more (one batch status read for `online`, one
 * details read per 100 groups; Agora has no batch read of user profiles, so `nickname` is one call per user).
 * A reference is checked as any argument is (Agora's id rules) before any call.
 *
 * With FEDERATION=off (the default) the schema is the plain one: the entity keys are there, as Pothos
 * extensions no printer of the plain schema shows, and `_service`/`_entities` are not.
 */
import type { GraphQLSchema } from 'graphql';
import { resourceId, username } from '../agora/chat/schemas.ts';
import { builder } from './builder.ts';
import { Group, Room, type CollectiveSource } from './collectives/types.ts';
import { decodeGlobalId } from './common/global-id.ts';
import { publicError } from './common/errors.ts';
import { User, userOf } from './users/types.ts';

/**
 * The version of the Federation spec the subgraph links (the plugin's default is 2.6): the newest that both
 * Hive's composer (@theguild/federation-composition) and Apollo's read.
 */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.9';

/** The most representations one `_entities` call may name: a supergraph's planner batches what one query needs. */
export const MAX_REPRESENTATIONS = 1_000;

const refused = (what: string, issue: string | undefined) =>
  publicError(`A ${what} reference is not valid: ${issue ?? 'it does not follow Agora\u2019s id rules'}`, 'BAD_USER_INPUT', { field: 'representations' });

builder.asEntity(User, {
  key: builder.selection<{ username: string }>('username'),
  resolveReference: (reference) => {
    const parsed = username.safeParse(reference.username);
    if (!parsed.success) throw refused('User', parsed.error.issues[0]?.message);
    return userOf(parsed.data);
  },
});

for (const [ref, kind, Name] of [
  [Group, 'group', 'Group'],
  [Room, 'room', 'Room'],
] as const) {
  const agoraId = resourceId(`${kind} id`);
  builder.asEntity(ref, {
    // `groupId` or `roomId`: the selection's text is checked against its shape's keys, which a loop cannot name.
    key: [builder.selection<{ id: string }>('id'), builder.selection<Record<string, string>>(`${kind}Id` as never)],
    resolveReference: (reference): CollectiveSource => {
      const given = reference as Record<string, unknown>;
      if (typeof given.id === 'string') {
        let decoded: ReturnType<typeof decodeGlobalId>;
        try {
          decoded = decodeGlobalId(given.id);
        } catch (error) {
          throw refused(Name, (error as Error).message);
        }
        if (decoded.typename !== Name) throw refused(Name, `the id is of a ${decoded.typename}`);
        return { kind, id: decoded.id };
      }
      const parsed = agoraId.safeParse(given[`${kind}Id`]);
      if (!parsed.success) throw refused(Name, parsed.error.issues[0]?.message);
      return { kind, id: parsed.data };
    },
  });
}

/** The subgraph schema: the plain schema's types and fields, with `_service`, `_entities` and the entities' keys. */
export function subgraphSchema(finish: (schema: GraphQLSchema) => GraphQLSchema, options: Parameters<typeof builder.toSubGraphSchema>[0]): GraphQLSchema {
  const schema = finish(builder.toSubGraphSchema({ ...options, linkUrl: FEDERATION_SPEC_URL, federationDirectives: ['@key'] }));
  const entities = schema.getQueryType()?.getFields()._entities;
  const resolve = entities?.resolve;
  if (entities && resolve) {
    entities.resolve = (parent, args: { representations?: unknown[] }, context, info) => {
      if ((args.representations?.length ?? 0) > MAX_REPRESENTATIONS)
        throw publicError(`At most ${MAX_REPRESENTATIONS} representations in one _entities call`, 'BAD_USER_INPUT', { field: 'representations' });
      return resolve(parent, args, context, info);
    };
  }
  return schema;
}
