/** What every Chat route module of the emulator shares: the route builder and input checks. */
import type { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, RouteSpec } from '../router.ts';
import { bodyObject, validate } from '../validate.ts';
import { illegal } from './envelope.ts';

export const CHAT_BASE = '/:org/:app';

/** A Chat route: its name is its budget class unless `budget` says otherwise. */
export function chatRoute(name: string, method: string, path: string, handler: RouteSpec['handler'], budget: string | readonly string[] = name): RouteSpec {
  return { name, service: 'chat', method, pattern: `${CHAT_BASE}${path}`, budget, handler };
}

/** Validates as Agora does; a failure is 400 illegal_argument with the first problem. */
export const check = <S extends z.ZodType>(schema: S, value: unknown) =>
  validate(schema, value, (field, message) => illegal(`${field ? `${field}: ` : ''}${message ?? 'This is an invalid request.'}`));

export { bodyObject };

export const queryInt = (req: EmulatorRequest, name: string, fallback: number): number | 'invalid' => {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) ? n : 'invalid';
};

export type ChatHandlerContext = EmulatorContext;
