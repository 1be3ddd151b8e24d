/**
 * Operation metrics, over HTTP and WebSocket alike: each operation's outcome (`ok` or the error code a
 * client saw) and latency.
 */
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.ts';
import { publicCodeOf } from '../schema/common/errors.ts';
import { operationToRun } from '../schema/common/selection.ts';

interface Operation {
  name: string;
  type: string;
}

/** Per document (yoga's parse cache hands every request of one text the same one), by operation name. */
const operations = new WeakMap<DocumentNode, Map<string | null | undefined, Operation>>();
const MAX_NAMES_PER_DOCUMENT = 8;

/** The operation a document runs: its name (or "anonymous") and type, worked out once per document and name. */
function operationOf(document: DocumentNode, operationName: string | null | undefined): Operation {
  let named = operations.get(document);
  if (!named) operations.set(document, (named = new Map()));
  let found = named.get(operationName);
  if (!found) {
    const operation = operationToRun(document, operationName);
    found = { name: operation?.name?.value ?? 'anonymous', type: operation?.operation ?? 'unknown' };
    // A client names the operation: only the few names a document holds are kept.
    if (named.size < MAX_NAMES_PER_DOCUMENT) named.set(operationName, found);
  }
  return found;
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
        metrics.operation(name, type, 'GRAPHQL_VALIDATION_FAILED', (performance.now() - started) / 1000);
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
          metrics.operation(name, type, first ? publicCodeOf(first) : 'ok', (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe: ({ args }) => {
      const { name } = operationOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (Symbol.asyncIterator in result) metrics.operation(name, 'subscription', 'ok', 0);
        },
      };
    },
  };
}
