/**
 * The Agora client validates its own input with zod and names the offending field as the client knows
 * it (`to`, `id`, or `(input)` for a bare username). A GraphQL client knows only the field's arguments,
 * so every resolver that takes arguments translates those names into the argument path it sent
 * (`input.to`, `groupId`). One wrapper over the built schema does it for every field, so no resolver
 * can forget.
 */
import {
  getNamedType,
  isInputObjectType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { AgoraInputError, type InputIssue } from '../../agora/errors.ts';
import { publicError } from './errors.ts';

function argumentPath({ field, value }: InputIssue, args: readonly GraphQLArgument[], values: Record<string, unknown>): string {
  if (field === '(input)') {
    // A bare value: the argument that holds it.
    const holder = args.find((a) => values[a.name] === value || (Array.isArray(values[a.name]) && (values[a.name] as unknown[]).includes(value)));
    if (holder) return holder.name;
  }
  const segments = field === '(input)' ? [] : field.split('.');
  const head = segments[0];
  const hasField = (arg: GraphQLArgument, name: string | undefined) => {
    const type = getNamedType(arg.type);
    return name !== undefined && isInputObjectType(type) && name in type.getFields();
  };
  const within = (arg: GraphQLArgument) => (hasField(arg, head) ? [arg.name, ...segments].join('.') : arg.name);
  const named = args.find((a) => a.name === head);
  if (named) return field;
  // One of a list: the client calls a single member `username` where the field takes `usernames`.
  const plural = args.find((a) => a.name === `${head}s`);
  if (plural) return plural.name;
  const holder = args.find((a) => hasField(a, head));
  if (holder) return within(holder);
  if (args.length === 1) return within(args[0]!);
  // The client calls a collective's or thread's id `id`; the schema names it groupId, roomId or threadId.
  const id = head === 'id' ? args.find((a) => /Id$/.test(a.name)) : undefined;
  return (id ?? args.find((a) => a.type.toString().endsWith('!')) ?? args[0]!).name;
}

function translate(error: AgoraInputError, values: Record<string, unknown>, info: GraphQLResolveInfo) {
  const args = info.parentType.getFields()[info.fieldName]?.args ?? [];
  const issues: InputIssue[] = error.issues.map((issue) => ({ field: argumentPath(issue, args, values), message: issue.message }));
  const first = issues[0];
  return publicError(first ? `Invalid ${first.field}: ${first.message}` : 'Invalid input', 'BAD_USER_INPUT', {
    field: first?.field,
    issues,
    operation: error.operation,
  });
}

function withArgumentPaths(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const translated = (error: unknown) => (error instanceof AgoraInputError ? translate(error, args as Record<string, unknown>, info) : error);
    // A resolver that answers at once stays synchronous: a subscription's resolver runs for every event
    // and every subscriber, and an extra promise each is measurable at ten thousand of them.
    let result: unknown;
    try {
      result = resolve(source, args, context, info);
    } catch (error) {
      throw translated(error);
    }
    return result instanceof Promise
      ? result.catch((error: unknown) => {
          throw translated(error);
        })
      : result;
  };
}

/** Wraps, in place, the resolver of every field that takes arguments. */
export function nameArgumentsInInputErrors(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.length > 0 && field.resolve) field.resolve = withArgumentPaths(field.resolve);
    }
  }
  return schema;
}
