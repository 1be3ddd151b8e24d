import { getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLArgument, type GraphQLInputType } from 'graphql';
import { expect } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { requestCalls } from './agora.ts';
import { postGraphQL, startInProcessRunner } from './gateway.ts';
import { base64, operationFor, validValue } from './operations.ts';

/**
 * Every argument of every root field, called through variables (as codegen, Apollo and urql send them)
 * with values a careless or hostile client sends. None may be answered INTERNAL; every error names the
 * argument or variable at fault; and what is refused as bad input never reaches Agora.
 */

/** Hostile values for an argument of this type: [what it is, value]. */
function hostileValues(type: GraphQLInputType): [string, unknown][] {
  const nonNull = isNonNullType(type);
  const inner = nonNull ? type.ofType : type;
  const out: [string, unknown][] = nonNull ? [['null for a required argument', null]] : [];
  if (isListType(inner)) {
    const element = validValue(inner.ofType);
    out.push(['an empty list', []], ['an oversized list', Array.from({ length: 1001 }, () => element)], ['a list of the wrong type', [{ nested: true }]]);
    return out;
  }
  if (isInputObjectType(inner)) {
    out.push(
      ['an input missing its required fields', {}],
      ['a string instead of an input', 'text'],
      ['an input with an unknown field', { ...(validValue(inner) as object), unknownField: 1 }],
    );
    for (const field of Object.values(inner.getFields())) {
      for (const [what, value] of hostileValues(field.type)) out.push([`${field.name}: ${what}`, { ...(validValue(inner) as object), [field.name]: value }]);
    }
    return out;
  }
  if (isEnumType(inner)) return [...out, ['an unknown enum value', 'NOT_A_VALUE'], ['a number', 3]];
  if (!isScalarType(inner)) return out;
  switch (inner.name) {
    case 'Int':
    case 'Float':
      return [...out, ['a string', 'abc'], ['a negative number', -1], ['a number past 32 bits', 2 ** 31], ['a fraction', 1.5]];
    case 'Boolean':
      return [...out, ['a string', 'yes']];
    case 'DateTime':
      return [...out, ['not a date', 'not-a-date'], ['an impossible date', '2026-13-45T25:61:00Z'], ['a number', 12]];
    case 'JSON':
      return out;
    case 'ID':
      return [
        ...out,
        ['garbage', 'garbage'],
        ['empty', ''],
        ['an id of an unknown type', base64('Foo:1')],
        ['a user id with an invalid username', base64('User:Not Valid!')],
        ['a number', 5],
      ];
    default:
      return [
        ...out,
        ['empty', ''],
        ['65 characters', 'a'.repeat(65)],
        ['40 KB', 'x'.repeat(40_000)],
        ['characters Agora refuses', 'Bad Name!'],
        ['a number', 42],
        ['an object', { a: 1 }],
      ];
  }
}

const NAMES = (arg: GraphQLArgument, error: { message: string; extensions?: Record<string, unknown> }) => {
  const ext = error.extensions ?? {};
  const named = [ext.variable, ext.field, ...(Array.isArray(ext.issues) ? (ext.issues as { field?: string }[]).map((i) => i.field) : [])].filter(
    (v): v is string => typeof v === 'string',
  );
  return named.some((n) => n === arg.name || n.startsWith(`${arg.name}.`) || n.startsWith(`${arg.name}[`)) || error.message.includes(`$${arg.name}`);
};

/**
 * The REST calls a request made, from its extensions.cost. The download of an hourly history file goes to
 * the signed URL Agora gives (its file store), which the emulator's REST counters do not count.
 */
function restCalls(extensions: Record<string, unknown> | undefined): number {
  const cost = extensions?.cost as { actual?: number; calls?: Record<string, number> } | undefined;
  return (cost?.actual ?? 0) - (cost?.calls?.['chat.messages.downloadHistory'] ?? 0);
}

/** Runs `jobs` with at most `width` in flight. */
async function pool(width: number, jobs: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

/**
 * The check, for the root fields of one operation type. Queries and mutations are two test files, so
 * that the suite's workers share the 1,500 requests.
 */
export async function checkHostileVariables(kind: 'query' | 'mutation'): Promise<void> {
  {
    // Calls that would wait for a rate budget (10 history reads a minute, say) fail fast: RATE_LIMITED is an honest answer too.
    const { graphqlUrl, control } = await startInProcessRunner({ AGORA_BUDGET_MAX_WAIT_MS: '200' });
    const totalCalls = async () => Object.values(await requestCalls(control)).reduce((sum, n) => sum + n, 0);
    const failures: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    let requests = 0;
    let callsCounted = 0;

    for (const type of [kind === 'query' ? schema.getQueryType()! : schema.getMutationType()!]) {
      for (const field of Object.values(type.getFields())) {
        if (field.args.length === 0) continue;
        const document = operationFor(kind, field);
        // Required arguments get a valid value; each argument in turn gets the hostile one.
        const valid = Object.fromEntries(field.args.filter((a) => isNonNullType(a.type)).map((a) => [a.name, validValue(a.type, a.name)]));
        jobs.push(async () => {
          // What the valid arguments alone answer is not the hostile argument's doing (a user that exists already, say).
          const base = await postGraphQL(graphqlUrl, document, valid);
          callsCounted += restCalls(base.body.extensions);
          const baseline = new Set((base.body.errors ?? []).map((e) => e.message));
          for (const arg of field.args) {
            const cases = hostileValues(arg.type);
            if (getNamedType(arg.type).name === 'String') cases.push(['a control character', '\r\nx: y']);
            for (const [what, value] of cases) {
              const label = `${type.name}.${field.name}(${arg.name}: ${what})`;
              const res = await postGraphQL(graphqlUrl, document, { ...valid, [arg.name]: value });
              requests++;
              // Every upstream call a request makes is in its extensions.cost.actual; the emulator's counters check the sum below.
              const calls = restCalls(res.body.extensions);
              callsCounted += calls;
              const errors = res.body.errors ?? [];
              for (const error of errors) {
                const code = error.extensions?.code;
                if (code === 'INTERNAL' || code === undefined) failures.push(`${label}: ${String(code)} "${error.message}"`);
                // Agora's own refusals (a label that exists already) say which call Agora answered, not which argument.
                else if (code === 'BAD_USER_INPUT' && !baseline.has(error.message) && !/ answered \d{3}/.test(error.message) && !NAMES(arg, error)) {
                  failures.push(`${label}: does not name ${arg.name}: ${JSON.stringify(error)}`);
                }
              }
              // Refused by the gateway (not answered by Agora, which says which call it answered).
              if (errors.some((e) => e.extensions?.code === 'BAD_USER_INPUT' && !/ answered \d{3}/.test(e.message)) && calls !== 0) {
                failures.push(`${label}: refused as bad input, yet made ${calls} upstream calls`);
              }
            }
          }
        });
      }
    }
    const before = await totalCalls();
    await pool(8, jobs);
    const reached = (await totalCalls()) - before;
    expect(requests).toBeGreaterThan(kind === 'query' ? 250 : 500);
    expect(failures).toEqual([]);
    // The per-request counts above are the calls that reached the emulator, no more and no fewer.
    expect(reached).toBe(callsCounted);
  }
}
