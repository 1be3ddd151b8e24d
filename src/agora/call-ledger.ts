/**
 * Counting upstream calls per unit of work (a GraphQL operation) without threading a counter through
 * every call: `withCallLedger` runs work with a ledger in an AsyncLocalStorage, and AgoraHttp records
 * each attempt it makes into the current ledger, if any. Work scheduled from inside (DataLoader batches,
 * retries) is counted too, since async context follows promises.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export class CallLedger {
  readonly byOperation: Record<string, number> = {};
  total = 0;

  record(operation: string): void {
    this.total++;
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
  }
}

const storage = new AsyncLocalStorage<CallLedger>();

export function withCallLedger<T>(ledger: CallLedger, work: () => T): T {
  return storage.run(ledger, work);
}

export function currentCallLedger(): CallLedger | undefined {
  return storage.getStore();
}
