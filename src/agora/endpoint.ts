/**
 * One Agora endpoint as data: its operation name, budget class, method, path, how its input is
 * validated and encoded, how its answer is parsed and mapped. `endpoint()` turns that into a typed
 * method that validates before any call (AgoraInputError), then goes through AgoraHttp.
 */
import type { z } from 'zod';
import type { RequestAuth } from './auth.ts';
import type { CallLedger } from './call-ledger.ts';
import type { Priority } from './budgets.ts';
import type { AgoraHttp, HttpMethod, MultipartPart, Upstream } from './http.ts';
import type { Replay } from './retry-policy.ts';
import { parseInput } from './validate.ts';

/** What a service's endpoints share: the HTTP layer, where calls go, and how a call authenticates. */
export interface ServiceContext {
  http: AgoraHttp;
  upstream: Upstream;
  /** Auth for a call made as `user` (Signaling sends), or as the service when undefined. */
  auth(user?: string): RequestAuth;
}

/** What a call can be given besides its input; a bound client (`AgoraClient.bind`) gives it to every call. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  priority?: Priority | undefined;
  /** Counts the call's attempts (a GraphQL operation's `extensions.cost.actual`). */
  ledger?: CallLedger | undefined;
}

export interface Answer<W> {
  data: W;
  requestId: string | undefined;
}

export interface EndpointSpec<S extends z.ZodType, W, R> {
  operation: string;
  budget: string | readonly string[];
  method: HttpMethod;
  replay: Replay;
  priority?: Priority;
  input: S;
  /** Path below the service's base path; encode every parameter. */
  path: (input: z.output<S>) => string;
  query?: (input: z.output<S>) => Record<string, string | number | boolean | undefined>;
  json?: (input: z.output<S>) => unknown;
  form?: (input: z.output<S>) => Record<string, string>;
  multipart?: (input: z.output<S>) => MultipartPart[];
  headers?: (input: z.output<S>) => Record<string, string>;
  /** `bytes` for endpoints that answer a file. */
  expect?: 'json' | 'bytes';
  /** The user the call is made as (Signaling token auth signs for this uid). */
  as?: (input: z.output<S>) => string;
  response: z.ZodType<W>;
  result: (answer: Answer<W>, input: z.output<S>) => R;
}

/** The method an endpoint becomes; endpoints without input may be called with none. */
export type EndpointMethod<S extends z.ZodType, R> =
  undefined extends z.input<S> ? (input?: z.input<S>, opts?: CallOptions) => Promise<R> : (input: z.input<S>, opts?: CallOptions) => Promise<R>;

export const enc = encodeURIComponent;

export function endpoint<S extends z.ZodType, W, R>(ctx: ServiceContext, spec: EndpointSpec<S, W, R>): EndpointMethod<S, R> {
  const method = async (input: z.input<S>, opts: CallOptions = {}): Promise<R> => {
    const v = parseInput(spec.input, input, { service: ctx.upstream.service, operation: spec.operation });
    const res = await ctx.http.request({
      upstream: ctx.upstream,
      operation: spec.operation,
      budget: spec.budget,
      method: spec.method,
      path: spec.path(v),
      query: spec.query?.(v),
      json: spec.json?.(v),
      form: spec.form?.(v),
      multipart: spec.multipart?.(v),
      headers: spec.headers?.(v),
      expect: spec.expect,
      auth: ctx.auth(spec.as?.(v)),
      response: spec.response,
      replay: spec.replay,
      priority: opts.priority ?? spec.priority,
      signal: opts.signal,
      ledger: opts.ledger,
    });
    return spec.result({ data: res.data, requestId: res.requestId }, v);
  };
  return method as EndpointMethod<S, R>;
}
