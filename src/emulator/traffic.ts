/**
 * What the emulator observes and injects on its traffic: per-route call counters (by listener and by
 * status), faults (a status, an added delay, a connection reset, for the next N matching calls) and a
 * global added latency.
 */

export interface RouteCounter {
  total: number;
  byListener: Record<string, number>;
  byStatus: Record<string, number>;
}

export interface FaultSpec {
  /** Route name (`signaling.sendPeerMessage`), or `*` for every route except the control API. */
  route: string;
  /** Only calls arriving on this listener; all listeners when absent. */
  listener?: string | undefined;
  /** Answer with this status (and `body`) instead of handling the call. */
  status?: number | undefined;
  body?: unknown;
  /** Extra response headers with `status`, e.g. Retry-After. */
  headers?: Record<string, string> | undefined;
  /** Wait this long before going on. */
  delayMs?: number | undefined;
  /**
   * Destroy the connection: `before` handling (nothing happened), or `after` handling (the call took
   * effect, then the answer was lost).
   */
  reset?: 'before' | 'after' | undefined;
  /** How many matching calls the fault applies to. */
  times: number;
}

export interface Fault extends FaultSpec {
  id: number;
  remaining: number;
}

export class Traffic {
  private counters = new Map<string, RouteCounter>();
  /** TCP connections accepted, per listener: shows whether clients reuse keep-alive connections. */
  connections: Record<string, number> = {};
  private faults: Fault[] = [];
  private nextFaultId = 1;
  latencyMs = 0;

  count(route: string, listener: string): void {
    let c = this.counters.get(route);
    if (!c) this.counters.set(route, (c = { total: 0, byListener: {}, byStatus: {} }));
    c.total++;
    c.byListener[listener] = (c.byListener[listener] ?? 0) + 1;
  }

  countStatus(route: string, status: number): void {
    const c = this.counters.get(route);
    if (c) c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
  }

  snapshot(): Record<string, RouteCounter> {
    return structuredClone(Object.fromEntries(this.counters));
  }

  resetCounters(): void {
    this.counters = new Map();
    this.connections = {};
  }

  countConnection(listener: string): void {
    this.connections[listener] = (this.connections[listener] ?? 0) + 1;
  }

  addFault(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextFaultId++, remaining: spec.times };
    this.faults.push(fault);
    return fault;
  }

  clearFaults(): void {
    this.faults = [];
  }

  listFaults(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault that matches this call; it is consumed once. */
  takeFault(route: string, listener: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (f.route === '*' || f.route === route) && (!f.listener || f.listener === listener));
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }
}
