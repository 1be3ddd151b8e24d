/**
 * Whether Agora answers, as /readyz reports it: read off the calls the gateway makes anyway (no probe
 * spends Agora's rate budget). A service is `reachable` when its last call got an HTTP answer (any
 * status: Agora answered), `unreachable` when it failed to connect, to resolve, or on the wire, and
 * `unknown` until the first call. Readiness itself does not depend on it: every instance shares the same
 * Agora, and taking them all out of a load balancer would not bring it back.
 */
import type { AttemptInfo } from '../agora/http.ts';

export type Reachability = 'reachable' | 'unreachable' | 'unknown';

interface ServiceState {
  state: Reachability;
  at: string;
  operation: string;
  /** The HTTP status, or how the call failed. */
  outcome: string;
}

export interface UpstreamHealth {
  record(info: AttemptInfo): void;
  report(services: readonly string[]): Record<string, { state: Reachability } | ServiceState>;
}

/** What a call left: kept as it came, since every Agora call records one and /readyz reads few. */
interface LastAttempt {
  /** Epoch ms: a Date is made only when /readyz asks. */
  at: number;
  info: AttemptInfo;
}

export function createUpstreamHealth(now: () => number = Date.now): UpstreamHealth {
  const last = new Map<string, LastAttempt>();
  const stateOf = ({ at, info }: LastAttempt): ServiceState => {
    const answered = info.status !== undefined;
    return {
      state: answered ? 'reachable' : 'unreachable',
      at: new Date(at).toISOString(),
      operation: info.operation,
      outcome: answered ? String(info.status) : (info.failure ?? 'unknown'),
    };
  };
  return {
    record(info) {
      const dot = info.operation.indexOf('.');
      last.set(dot < 0 ? info.operation : info.operation.slice(0, dot), { at: now(), info });
    },
    report(services) {
      return Object.fromEntries(
        services.map((s) => {
          const attempt = last.get(s);
          return [s, attempt ? stateOf(attempt) : { state: 'unknown' as const }];
        }),
      );
    },
  };
}
