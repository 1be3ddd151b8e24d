import { lexicographicSortSchema, printSchema as printGraphQLSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './domain-errors.js';
import './health.js';
import './user.js';
import './group.js';
import './message.js';
import './thread.js';
import './history.js';
import './moderation.js';
import './management.js';
import './extras.js';
import './subscriptions.js';

export const schema: GraphQLSchema = builder.toSchema();

/** The schema as SDL, sorted so that the committed schema.graphql diffs cleanly. */
export const printSchema = (): string => `${printGraphQLSchema(lexicographicSortSchema(schema))}\n`;
