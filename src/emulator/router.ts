/**
 * A tiny router for the emulator: method + path pattern (`:name` segments) -> handler, first match wins,
 * so more specific routes are registered first.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface EmulatorRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body; undefined when empty; the raw text when it does not parse. */
  body: unknown;
  rawBody: Buffer;
  /** The label of the listener the request arrived on (several ports share one state). */
  listener: string;
  /** The region the listener serves (its Signaling event store). */
  region: string;
}

export interface EmulatorResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is (files), instead of `body`. */
  raw?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** The service a route belongs to, which decides its auth and its error envelope. */
export type RouteService = 'signaling' | 'chat' | 'control';

export interface RouteSpec {
  /** A stable name used by call counters and fault injection, e.g. `signaling.sendPeerMessage`. */
  name: string;
  service: RouteService;
  method: string;
  pattern: string;
  /** The rate limit class(es) the route counts against. */
  budget?: string | readonly string[];
  /** For Signaling sends: the path parameter naming the sender (token auth sends only as its uid). */
  senderParam?: string;
  /** The request body a Chat route takes (Agora answers 415 to another content type); JSON by default. */
  accepts?: 'json' | 'form' | 'multipart';
  handler: Handler;
}

export interface MatchedRoute {
  route: RouteSpec;
  params: Record<string, string>;
}

const splitPath = (path: string): string[] => path.split('/').filter((s) => s.length > 0);

export class Router {
  private readonly routes: { spec: RouteSpec; segments: string[] }[] = [];

  add(...specs: RouteSpec[]): this {
    for (const spec of specs) this.routes.push({ spec, segments: splitPath(spec.pattern) });
    return this;
  }

  /** The matching route, or `methodMismatch` when the path exists for other methods only. */
  match(method: string, path: string): MatchedRoute | { methodMismatch: true } | undefined {
    const parts = splitPath(path);
    let pathMatched = false;
    for (const { spec, segments } of this.routes) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const seg = segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(part);
          } catch {
            ok = false;
          }
        } else ok = seg === part;
      }
      if (!ok) continue;
      pathMatched = true;
      if (spec.method === method) return { route: spec, params };
    }
    return pathMatched ? { methodMismatch: true } : undefined;
  }

  list(): RouteSpec[] {
    return this.routes.map((r) => r.spec);
  }
}
