import { isObjectType, type GraphQLField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

const declaresScope = (field: GraphQLField<unknown, unknown>) =>
  (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions?.authScopes !== undefined;

describe('authorization is declared', () => {
  it('on every query and mutation', () => {
    const undeclared = [schema.getQueryType(), schema.getMutationType()].flatMap((root) =>
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
});
