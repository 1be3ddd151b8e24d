import { printSubgraphSchema } from '@apollo/subgraph';
import { GraphQLLiveDirective } from '@n1ru4l/graphql-live-query';
import { GraphQLDirective, lexicographicSortSchema, specifiedDirectives, printSchema as printGraphQLSchema, type GraphQLSchema } from 'graphql';
import { nameArgumentsInInputErrors } from './common/argument-paths.ts';
import { builder } from './builder.ts';
import { resolveEventsOnce } from './common/live.ts';
import { recordResourceReads } from './common/resource-reads.ts';
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
import { subgraphSchema } from './federation.ts';

/**
 * `@live` queries (src/execution/live-queries.ts): the directive's arguments as @n1ru4l/graphql-live-query
 * defines them (which its clients and its readers know), described as this gateway keeps them.
 */
const liveConfig = GraphQLLiveDirective.toConfig();
const live = new GraphQLDirective({
  ...liveConfig,
  description:
    'Keeps this query current: its result at once, then a whole new result whenever something it read changes (at most once per LIVE_THROTTLE_MS). Over graphql-ws or SSE.',
  args: {
    if: { ...liveConfig.args.if!, description: 'Whether the query is live.' },
    throttle: {
      ...liveConfig.args.throttle!,
      description: "The least milliseconds between two results: a longer interval than the gateway's is kept, a shorter one is not.",
    },
  },
});

const directives = [...specifiedDirectives, live];

/** What every built schema gets: argument paths in input errors, subscription events resolved once, reads recorded. */
const finish = (built: GraphQLSchema): GraphQLSchema => recordResourceReads(nameArgumentsInInputErrors(resolveEventsOnce(built)));

export const schema: GraphQLSchema = finish(builder.toSchema({ directives }));

let subgraph: GraphQLSchema | undefined;

/** The schema as a Federation subgraph (FEDERATION=on): built on first use, as the plain one is not. */
export const federatedSchema = (): GraphQLSchema => (subgraph ??= subgraphSchema(finish, { directives }));

/** The subgraph's SDL, as `_service { sdl }` answers it (for a schema registry or a composer). */
export const printSubgraph = (): string => `${printSubgraphSchema(federatedSchema())}\n`;

/** The schema as SDL, sorted so that the committed schema.graphql diffs cleanly. */
export const printSchema = (): string => `${printGraphQLSchema(lexicographicSortSchema(schema))}\n`;
