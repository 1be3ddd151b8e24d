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

export function createUpstreamHealth(now: () => Date = () => new Date()): UpstreamHealth {
  const last = new Map<string, ServiceState>();
  return {
    record(info) {
      const service = info.operation.split('.')[0] ?? 'unknown';
      const answered = info.status !== undefined;
      last.set(service, {
        state: answered ? 'reachable' : 'unreachable',
        at: now().toISOString(),
        operation: info.operation,
        outcome: answered ? String(info.status) : (info.failure ?? 'unknown'),
      });
    },
    report(services) {
      return Object.fromEntries(services.map((s) => [s, last.get(s) ?? { state: 'unknown' as const }]));
    },
  };
}
