/**
 * Input validation before any upstream call: a zod failure becomes AgoraInputError naming each field,
 * so bad input never reaches Agora.
 */
import type { z } from 'zod';
import { AgoraInputError, type AgoraService } from './errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: { service: AgoraService; operation: string }): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AgoraInputError({
    ...where,
    issues: result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(input)',
      message: issue.message,
      // A bare value (a username, an id) has no field name: keep it, so a caller can tell which of its own arguments it was.
      ...(issue.path.length === 0 ? { value: input } : {}),
    })),
  });
}
