/**
 * Subscriptions as a test sees them: a graphql-ws (or SSE) subscriber that records every result, and a
 * way to wait until the gateway holds a given number of live subscriptions (so events produced after
 * that cannot be missed by a subscriber that is still starting).
 */
import type { Client } from 'graphql-ws';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { expect } from 'vitest';
import type { App } from '../../src/app.ts';
import { authHeaders } from './auth.ts';
import { leftover } from './leftovers.ts';

export interface LiveResult<T> {
  data?: Record<string, T> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface Subscriber<T> {
  results: LiveResult<T>[];
  /** The data of each result that has some, in order. */
  events(): T[];
  completed: boolean;
  error: unknown;
  /** Waits until `n` events arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<T[]>;
  stop(): void;
}

function recorder<T>(field: string): Subscriber<T> & { push(r: LiveResult<T>): void } {
  const results: LiveResult<T>[] = [];
  const self = {
    results,
    completed: false,
    error: undefined as unknown,
    push: (r: LiveResult<T>) => void results.push(r),
    events: () => results.flatMap((r) => (r.data?.[field] !== undefined && r.data?.[field] !== null ? [r.data[field]] : [])),
    async waitFor(n: number, timeoutMs = 10_000) {
      await expect.poll(() => self.events().length, { timeout: timeoutMs, interval: 10 }).toBeGreaterThanOrEqual(n);
      return self.events();
    },
    stop: () => undefined,
  };
  return self;
}

/** A client that subscribes as graphql-ws's and graphql-sse's do. */
export interface Subscribable {
  subscribe(
    payload: { query: string; variables?: Record<string, unknown> | undefined },
    sink: { next(value: unknown): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

/** Subscribes over graphql-ws (or graphql-sse's client); the subscription is disposed after the test. */
export function subscribe<T = Record<string, unknown>>(
  client: Client | Subscribable,
  field: string,
  query: string,
  variables?: Record<string, unknown>,
): Subscriber<T> {
  const r = recorder<T>(field);
  const unsubscribe = (client as Subscribable).subscribe(
    { query, variables },
    {
      next: (result) => r.push(result as LiveResult<T>),
      error: (error) => {
        r.error = error;
      },
      complete: () => {
        r.completed = true;
      },
    },
  );
  r.stop = unsubscribe;
  leftover(r, () => unsubscribe());
  return r;
}

/** Subscribes over SSE (yoga's built-in): one POST whose answer is an event stream. */
export function subscribeSse<T = Record<string, unknown>>(
  graphqlUrl: string,
  field: string,
  query: string,
  variables?: Record<string, unknown>,
): Subscriber<T> {
  const r = recorder<T>(field);
  const controller = new AbortController();
  r.stop = () => controller.abort();
  leftover(r, () => controller.abort());
  void (async () => {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders(graphqlUrl) },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split('\n').find((l) => l.startsWith('data:'));
        if (message.startsWith('event: complete')) r.completed = true;
        else if (data) r.push(JSON.parse(data.slice(5)) as LiveResult<T>);
      }
    }
  })().catch((error: unknown) => {
    if (!controller.signal.aborted) r.error = error;
  });
  return r;
}

/** graphql-sse's client in either of its modes, signed in with `token`; disposed after the test. */
export function sseClient(graphqlUrl: string, singleConnection: boolean, token: string): SseClient {
  return leftover(createSseClient({ url: graphqlUrl, singleConnection, retryAttempts: 0, headers: { authorization: `Bearer ${token}` } }), (c) => c.dispose());
}

/** Waits until the gateway holds `n` live subscriptions (WebSocket and SSE). */
export async function activeSubscriptions(app: App, n: number): Promise<void> {
  const gauge = app.metrics.registry.getSingleMetric('graphql_subscriptions_active');
  await expect.poll(async () => (await gauge!.get()).values[0]?.value ?? 0, { timeout: 5_000, interval: 10 }).toBe(n);
}
