/**
 * Agora Chat's answers (agora-api.md §2.2): the Usergrid-style success envelope and the error envelope
 * with `error`, `exception` and `error_description`.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorProject } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../router.ts';

/** The Java exception Agora names beside each error code. */
const EXCEPTIONS: Record<string, string> = {
  illegal_argument: 'java.lang.IllegalArgumentException',
  invalid_parameter: 'com.easemob.common.exception.InvalidParameterException',
  json_parse: 'com.fasterxml.jackson.core.JsonParseException',
  duplicate_unique_property_exists: 'org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException',
  unauthorized: 'org.apache.usergrid.rest.exceptions.SecurityException',
  auth_bad_access_token: 'org.apache.usergrid.management.exceptions.BadAccessTokenException',
  forbidden_op: 'com.easemob.group.exception.ForbiddenOpException',
  exceed_limit: 'com.easemob.common.exception.ExceedLimitException',
  organization_application_not_found: 'org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException',
  service_resource_not_found: 'org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException',
  resource_not_found: 'com.easemob.common.exception.ResourceNotFoundException',
  storage_object_not_found: 'com.easemob.chatmessage.exception.StorageObjectNotFoundException',
  web_application: 'javax.ws.rs.WebApplicationException',
  reach_limit: 'com.easemob.common.exception.ReachLimitException',
  method_not_allowed: 'javax.ws.rs.NotAllowedException',
};

export function chatError(status: number, error: string, description: string): EmulatorResponse {
  return {
    status,
    body: {
      error,
      exception: EXCEPTIONS[error] ?? 'com.easemob.common.exception.EasemobException',
      timestamp: Date.now(),
      duration: 0,
      error_description: description,
    },
  };
}

export const notFound = (description = 'Service resource not found') => chatError(404, 'service_resource_not_found', description);
export const illegal = (description: string) => chatError(400, 'illegal_argument', description);
export const forbidden = (description: string) => chatError(403, 'forbidden_op', description);

/** One application uuid per emulator process, as Agora has one per app. */
const APPLICATION_UUID = randomUUID();

export interface OkFields {
  action?: string;
  entities?: unknown[];
  data?: unknown;
  count?: number;
  cursor?: string | undefined;
  [extra: string]: unknown;
}

/** The success envelope; `path` and `uri` are the request's, `params` echo the query as arrays. */
export function chatOk(req: EmulatorRequest, project: EmulatorProject, fields: OkFields = {}): EmulatorResponse {
  const base = `/${project.chatOrg}/${project.chatApp}`;
  const params: Record<string, string[]> = {};
  for (const [k, v] of req.query) (params[k] ??= []).push(v);
  const body: Record<string, unknown> = {
    action: req.method.toLowerCase(),
    application: APPLICATION_UUID,
    applicationName: project.chatApp,
    organization: project.chatOrg,
    path: req.path.startsWith(base) ? req.path.slice(base.length) : req.path,
    uri: `http://${req.headers.host ?? 'localhost'}${req.path}`,
    ...(Object.keys(params).length ? { params } : {}),
    timestamp: Date.now(),
    duration: 0,
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) body[k] = v;
  return { status: 200, body };
}

/** Opaque cursors over a sequence number: stable while items are added and removed between pages. */
export const encodeCursor = (seq: number): string => Buffer.from(JSON.stringify({ after: seq })).toString('base64url');

export function decodeCursor(cursor: string | null): number | undefined | 'invalid' {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    return typeof parsed.after === 'number' ? parsed.after : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** Pages items ordered by `seq` (ascending, or descending for newest first); no cursor on the last page. */
export function cursorPage<T extends { seq: number }>(
  items: Iterable<T>,
  limit: number,
  cursor: string | null,
  order: 'asc' | 'desc' = 'asc',
): { page: T[]; cursor?: string } | 'invalid' {
  const after = decodeCursor(cursor);
  if (after === 'invalid') return 'invalid';
  const beyond = (seq: number) => after === undefined || (order === 'asc' ? seq > after : seq < after);
  const sorted = [...items].filter((i) => beyond(i.seq)).sort((a, b) => (order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  return sorted.length > limit && last ? { page, cursor: encodeCursor(last.seq) } : { page };
}
