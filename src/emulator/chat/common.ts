/** What every Chat route module of the emulator shares: the route builder and input checks. */
import type { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import type { EmulatorRequest, EmulatorResponse, RouteSpec } from '../router.js';
import { illegal } from './envelope.js';

export const CHAT_BASE = '/:org/:app';

/** A Chat route: its name is its budget class unless `budget` says otherwise. */
export function chatRoute(name: string, method: string, path: string, handler: RouteSpec['handler'], budget: string | readonly string[] = name): RouteSpec {
  return { name, service: 'chat', method, pattern: `${CHAT_BASE}${path}`, budget, handler };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

/** Validates as Agora does; a failure is 400 illegal_argument with the first problem. */
export function check<S extends z.ZodType>(schema: S, value: unknown): Checked<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.');
  return { ok: false, response: illegal(`${field ? `${field}: ` : ''}${issue?.message ?? 'This is an invalid request.'}`) };
}

export const bodyObject = (req: EmulatorRequest): Record<string, unknown> | undefined =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : undefined;

export const queryInt = (req: EmulatorRequest, name: string, fallback: number): number | 'invalid' => {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? n : 'invalid';
};

export type ChatHandlerContext = EmulatorContext;
