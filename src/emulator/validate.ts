/**
 * Request validation for every emulator surface: zod parses; a failure becomes the answer the surface
 * gives (Signaling, Chat and the control API word their 400s differently), built from the first issue.
 */
import type { z } from 'zod';
import type { EmulatorRequest, EmulatorResponse } from './router.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

/** `field` is the issue's path (empty for the value itself). */
export type Refusal = (field: string, message: string | undefined) => EmulatorResponse;

export function validate<S extends z.ZodType>(schema: S, value: unknown, refuse: Refusal): Checked<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, response: refuse(issue?.path.map(String).join('.') ?? '', issue?.message) };
}

/** The request body when it is a JSON object (or a form), else undefined. */
export const bodyObject = (req: EmulatorRequest): Record<string, unknown> | undefined =>
  req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : undefined;
