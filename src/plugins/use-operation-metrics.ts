/**
 * Operation metrics, over HTTP and WebSocket alike: each operation's outcome (`ok` or the error code a
 * client saw) and latency.
 */
import { Kind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { publicCodeOf } from '../schema/common/errors.ts';

/** The operation a document runs: its name (or "anonymous") and type. */
function operationOf(document: DocumentNode, operationName: string | null | undefined) {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return { name: operation?.name?.value ?? 'anonymous', type: operation?.operation ?? 'unknown' };
}

/**
 * GraphQL operations, their outcome and latency, into the gateway's metrics. Active subscriptions are
 * counted by the subscription streams themselves (SubscriptionHooks in src/execution/live-execution.ts).
 */
export function useOperationMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onValidate: ({ params }) => {
      const started = performance.now();
      return ({ result }) => {
        if (result.length === 0) return;
        const { name, type } = operationOf(params.documentAST, undefined);
        metrics.operation({ name, type, outcome: 'GRAPHQL_VALIDATION_FAILED', seconds: (performance.now() - started) / 1000 });
      };
    },
    onExecute: ({ args }) => {
      const started = performance.now();
      const { name, type } = operationOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const ledger = (args.contextValue as { ledger?: { cacheHits: number; coalesced: number } }).ledger;
          if (ledger) metrics.sharedReads(ledger);
          const [first] = result.errors ?? [];
          metrics.operation({ name, type, outcome: first ? publicCodeOf(first) : 'ok', seconds: (performance.now() - started) / 1000 });
        },
      };
    },
    onSubscribe: ({ args }) => {
      const { name } = operationOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (Symbol.asyncIterator in result) metrics.operation({ name, type: 'subscription', outcome: 'ok', seconds: 0 });
        },
      };
    },
  };
}
