/**
 * Counting upstream calls per unit of work (a GraphQL operation): the work's bound Agora client
 * (`AgoraClient.bind`) gives every call its ledger, and AgoraHttp records each attempt into it.
 * DataLoader batches and retries count too, since they go through the same bound client.
 */
export class CallLedger {
  readonly byOperation: Record<string, number> = {};
  total = 0;
  /** Reads served from the shared cache (src/cache/shared-reads.ts): no call made. */
  cacheHits = 0;
  /** Reads that joined a call another request made (coalesced or batched across requests). */
  coalesced = 0;

  record(operation: string): void {
    this.total++;
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
  }
}
