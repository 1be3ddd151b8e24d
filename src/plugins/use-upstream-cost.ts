/**
 * `extensions.cost` on every result, and the cost limit: an operation predicted (src/schema/common/cost.ts,
 * from the same rules the fields declare) to cost more than the limits is refused before any call, so a
 * cost bomb over nested connections is refused by arithmetic, not by running it. The admission (the fair
 * share per viewer) is asked before each operation runs.
 */
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.ts';
import { predictCost, type CostPrediction } from '../schema/common/cost.ts';
import { publicError } from '../schema/common/errors.ts';

/** Whether an operation of this prediction may run for its context's viewer (the fair share). */
export type Admission = (context: Context, prediction: CostPrediction) => Promise<GraphQLError | undefined>;

export interface CostLimits {
  /** Upstream calls one operation may be predicted to make. */
  maxCalls: number;
  /** Objects one answer may be predicted to hold (connections counted at their `first`). */
  maxObjects: number;
  /** Whether a refusal says the numbers (emulator mode) or only that the operation costs too much. */
  expose: boolean;
}

function overLimit(prediction: CostPrediction, limits: CostLimits): GraphQLError | undefined {
  const over =
    prediction.calls > limits.maxCalls
      ? `${prediction.calls} upstream calls (at most ${limits.maxCalls})`
      : prediction.objects > limits.maxObjects
        ? `${prediction.objects} objects (at most ${limits.maxObjects})`
        : undefined;
  if (!over) return undefined;
  return publicError(
    `This operation costs too much${limits.expose ? `: it would take ${over}` : ''}. Ask for fewer items${prediction.heaviest ? ` (\`${prediction.heaviest.field}\`)` : ''}, or split it.`,
    'BAD_USER_INPUT',
    {
      reason: 'COST_LIMIT',
      field: prediction.heaviest?.field,
      ...(limits.expose ? { predictedCalls: prediction.calls, predictedObjects: prediction.objects } : {}),
    },
  );
}

/**
 * A yoga plugin that adds `extensions.cost = { predicted, estimated, actual, calls }` to every result,
 * and refuses before any call an operation predicted to cost more than `limits` (a cost bomb over
 * nested connections is refused by arithmetic, not by running it).
 */
export function useUpstreamCost(limits?: CostLimits, admit?: Admission): Plugin {
  return {
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      if (!admit) return;
      const context = args.contextValue as unknown as Context;
      // A subscription is one operation of its viewer's share; its events cost what they read.
      setSubscribeFn(async (a) => {
        const refused = await admit(context, { calls: 0, estimated: false, objects: 0 });
        return refused ? { errors: [refused] } : subscribeFn(a);
      });
    },
    onExecute({ args, setResultAndStopExecution, executeFn, setExecuteFn }) {
      const context = args.contextValue as Partial<Context> | undefined;
      const ledger = context?.ledger;
      const signedIn = context?.viewer?.username !== undefined;
      const prediction = predictCost(args.schema, args.document, (args.variableValues ?? {}) as Record<string, unknown>, args.operationName, signedIn);
      const refused = limits && overLimit(prediction, limits);
      if (refused) {
        setResultAndStopExecution({ errors: [refused] });
        return;
      }
      if (admit && context) {
        setExecuteFn(async (a) => {
          const denied = await admit(context as Context, prediction);
          return denied ? { errors: [denied] } : executeFn(a);
        });
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({
            ...result,
            extensions: {
              ...result.extensions,
              cost: {
                predicted: prediction.calls,
                estimated: prediction.estimated,
                actual: ledger?.total ?? 0,
                calls: ledger?.byOperation ?? {},
                // Reads another request's call or the shared cache answered: predicted = actual + these, when not estimated.
                cacheHits: ledger?.cacheHits ?? 0,
                coalesced: ledger?.coalesced ?? 0,
              },
            },
          });
        },
      };
    },
  };
}
