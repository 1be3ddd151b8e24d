/**
 * Relay connections over Agora's two paging styles, with opaque cursors:
 * - cursor pages (limit + cursor): an edge's cursor is the Agora cursor of its page plus its index in it;
 * - numbered pages (pagenum + pagesize): an edge's cursor is its absolute position.
 * A request for more than one upstream page fetches as many pages as it needs, and no more.
 */
import type { CursorPage } from '../agora/chat/schemas.ts';
import { publicError } from './errors.ts';

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const MAX_FIRST = 1000;

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(cursor: string, valid: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (valid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw publicError('The cursor is not one this list gave out; start again without `after`', 'BAD_USER_INPUT', { field: 'after' });
}

function firstOf(args: ConnectionArgs, fallback: number): number {
  const first = args.first ?? fallback;
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw publicError(`first must be 0 to ${MAX_FIRST}`, 'BAD_USER_INPUT', { field: 'first' });
  }
  return first;
}

function connection<T>(edges: { cursor: string; node: T }[], hasNextPage: boolean, hasPreviousPage: boolean): Connection<T> {
  return {
    edges,
    pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

interface PageCursor {
  page: string | null;
  index: number;
}
const isPageCursor = (v: unknown): v is PageCursor =>
  typeof v === 'object' && v !== null && 'index' in v && typeof (v as PageCursor).index === 'number' && ((v as PageCursor).page === null || typeof (v as PageCursor).page === 'string');

/** A connection over a cursor-paged Agora list. */
export async function cursorConnection<T>(
  args: ConnectionArgs,
  fetchPage: (cursor: string | undefined, limit: number) => Promise<CursorPage<T>>,
  maxPageSize: number,
  defaultFirst = 20,
): Promise<Connection<T>> {
  const first = firstOf(args, defaultFirst);
  const start = args.after ? decode(args.after, isPageCursor) : { page: null, index: -1 };
  const edges: { cursor: string; node: T }[] = [];
  let pageCursor = start.page;
  let skip = start.index + 1;
  let hasNextPage = false;
  while (edges.length < first) {
    const page = await fetchPage(pageCursor ?? undefined, Math.min(maxPageSize, first - edges.length + skip));
    const items = page.items.slice(skip);
    const room = first - edges.length;
    items.slice(0, room).forEach((node, i) => edges.push({ cursor: encode({ page: pageCursor, index: skip + i }), node }));
    if (items.length > room) {
      hasNextPage = true;
      break;
    }
    // All of this page was taken: there is more exactly when Agora gave a cursor for the next page.
    hasNextPage = page.cursor !== undefined;
    if (!page.cursor) break;
    pageCursor = page.cursor;
    skip = 0;
  }
  return connection(edges, hasNextPage, start.index >= 0 || start.page !== null);
}

interface OffsetCursor {
  offset: number;
}
const isOffsetCursor = (v: unknown): v is OffsetCursor => typeof v === 'object' && v !== null && typeof (v as OffsetCursor).offset === 'number';

/** A connection over a page-number-paged Agora list (pages start at 1). */
export async function numberedConnection<T>(
  args: ConnectionArgs,
  fetchPage: (pageNum: number, pageSize: number) => Promise<{ items: T[]; hasMore: boolean }>,
  pageSize: number,
  defaultFirst = 20,
): Promise<Connection<T>> {
  const first = firstOf(args, defaultFirst);
  const offset = args.after ? decode(args.after, isOffsetCursor).offset + 1 : 0;
  const edges: { cursor: string; node: T }[] = [];
  let pageNum = Math.floor(offset / pageSize) + 1;
  let skip = offset % pageSize;
  let hasNextPage = false;
  while (edges.length < first) {
    const page = await fetchPage(pageNum, pageSize);
    const items = page.items.slice(skip);
    const room = first - edges.length;
    const base = (pageNum - 1) * pageSize + skip;
    items.slice(0, room).forEach((node, i) => edges.push({ cursor: encode({ offset: base + i }), node }));
    if (items.length > room || (items.length === room && page.hasMore)) {
      hasNextPage = true;
      break;
    }
    if (!page.hasMore) break;
    pageNum++;
    skip = 0;
  }
  return connection(edges, hasNextPage, offset > 0);
}
