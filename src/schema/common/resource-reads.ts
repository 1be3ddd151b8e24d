/**
 * What an execution read, as resources: `Type:id` for every node whose fields it resolved (`User:alice`,
 * `Group:123`: the node's own id, as `id`'s resolver gives it before it is made global). A live query's
 * execution carries a set in its context (`liveReads`), and an event that changed one of those resources
 * (src/cache/invalidation.ts) makes it run again. Other executions carry none and pay one property read
 * per field of a node type.
 */
import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../../context.ts';

type IdResolver = (parent: unknown, args: object, context: unknown, info: unknown) => unknown;

/** Wraps the fields of every node type (a Pothos `builder.node`) so that a live execution notes its node. */
export function recordResourceReads(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const idOf = (type.extensions.pothosOptions as { id?: { resolve?: IdResolver } } | undefined)?.id?.resolve;
    if (!idOf) continue;
    const prefix = `${type.name}:`;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, context, info) => {
        const reads = (context as Partial<Context>).liveReads;
        if (reads) {
          const id = idOf(parent, {}, context, info);
          if (typeof id === 'string' || typeof id === 'number') reads.add(`${prefix}${id}`);
        }
        return resolve(parent, args, context, info);
      };
    }
  }
  return schema;
}

/**
 * Notes a read that no node field shows: a rule that read who belongs to a group decides what the viewer
 * sees, so a change of its members (an event naming `Group:123`) makes the live query check again.
 */
export function noteRead(context: Pick<Context, 'liveReads'>, resource: string): void {
  context.liveReads?.add(resource);
}
