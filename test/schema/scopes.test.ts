import { isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';

const declaresScope = (field: GraphQLField<unknown, unknown>) =>
  (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes !== undefined;

describe('authorization is declared', () => {
  it('on every query, mutation and subscription', () => {
    const undeclared = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((root) =>
      Object.values(root?.getFields() ?? {})
        .filter((f) => !declaresScope(f))
        .map((f) => `${root!.name}.${f.name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it("on a user's private lists: only the user (or an admin) reads contacts, blocks, attributes, mutes, subscriptions", () => {
    const user = schema.getType('User');
    if (!isObjectType(user)) throw new Error('User is not an object type');
    const fields = user.getFields();
    for (const name of ['contacts', 'blocked', 'offlineMessageCount', 'allAttributes', 'presenceSubscriptions', 'mute']) {
      expect(declaresScope(fields[name]!), name).toBe(true);
    }
  });

  it('on every object type of the graph (structural wrappers excepted)', () => {
    const structural = /(Connection|Edge|Success)$|^(Query|Mutation|Subscription|PageInfo)$|^__/;
    const undeclared = Object.values(schema.getTypeMap())
      .filter((t): t is GraphQLObjectType => isObjectType(t) && !structural.test(t.name))
      .filter((t) => (t.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes === undefined)
      .map((t) => t.name);
    expect(undeclared).toEqual([]);
  });
});
