/**
 * Every request has an id: the caller's `x-request-id` when it sends a usable one (a proxy's or a
 * frontend's trace id), else a new UUID. It scopes everything done for the request (AsyncLocalStorage),
 * so every log line written meanwhile carries it (the logger's mixin), and every response returns it
 * (the `x-request-id` header and `extensions.requestId`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const scope = new AsyncLocalStorage<string>();

/** Up to 128 characters a log line and a header can carry as they are. */
const USABLE = /^[\w.:@/+=-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && USABLE.test(given) ? given : randomUUID();
}

/** Runs `fn` as request `id`: what it logs and answers carries the id. */
export function withRequestId<T>(id: string, fn: () => T): T {
  return scope.run(id, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
