/**
 * Operations over the whole schema, for tests that call every root field: a valid value for any input
 * type, and an operation that calls one field with all its arguments as variables.
 */
import { getNamedType, isCompositeType, isEnumType, isInputObjectType, isListType, isNonNullType, type GraphQLField, type GraphQLInputType } from 'graphql';

export const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A value the type accepts, so that one argument at a time can be made hostile. */
export function validValue(type: GraphQLInputType, name = ''): unknown {
  // Time ranges must be ranges.
  if (getNamedType(type).name === 'DateTime' && /^start/.test(name)) return new Date(Date.now() - 3_600_000).toISOString();
  if (isNonNullType(type)) return validValue(type.ofType);
  if (isListType(type)) return [validValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields()))
      if (isNonNullType(field.type) && field.defaultValue === undefined) out[field.name] = validValue(field.type);
    return out;
  }
  switch (type.name) {
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'ID':
      return base64('User:alice');
    case 'DateTime':
      return new Date().toISOString();
    case 'JSON':
      return {};
    default:
      return 'alice';
  }
}

export function operationFor(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>): string {
  const defs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  // A field without arguments takes no parentheses (empty ones do not parse).
  return field.args.length === 0 ? `${kind} Probe { ${field.name}${selection} }` : `${kind} Probe(${defs}) { ${field.name}(${args})${selection} }`;
}
