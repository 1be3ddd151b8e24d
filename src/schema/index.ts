import { lexicographicSortSchema, printSchema as printGraphQLSchema, type GraphQLSchema } from 'graphql';
import { nameArgumentsInInputErrors } from './common/argument-paths.ts';
import { builder } from './builder.ts';
import { resolveEventsOnce } from './common/live.ts';
import './common/scalars.ts';
import './common/domain-errors.ts';
import './health.ts';
import './users/types.ts';
import './users/queries.ts';
import './users/mutations.ts';
import './collectives/types.ts';
import './collectives/queries.ts';
import './collectives/mutations.ts';
import './collectives/live.ts';
import './users/live.ts';
import './messages/types.ts';
import './messages/queries.ts';
import './messages/mutations.ts';
import './messages/live.ts';
import './conversations/types.ts';
import './conversations/queries.ts';
import './conversations/mutations.ts';
import './conversations/live.ts';
import './conversations/typing.ts';
import './threads.ts';
import './signaling.ts';
import './reactions.ts';
import './push.ts';

export const schema: GraphQLSchema = nameArgumentsInInputErrors(resolveEventsOnce(builder.toSchema()));

/** The schema as SDL, sorted so that the committed schema.graphql diffs cleanly. */
export const printSchema = (): string => `${printGraphQLSchema(lexicographicSortSchema(schema))}\n`;
