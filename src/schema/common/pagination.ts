/**
 * Relay connections over Agora's two paging styles, with opaque cursors, following the Relay cursor
 * connections specification (first/after, last/before, and both together):
 * - cursor pages (limit + cursor): Agora's cursors only lead forwards, so these lists page forwards only
 *   and refuse `last` and `before` by name; an edge's cursor is its page's Agora cursor plus its index;
 * - numbered pages (pagenum + pagesize): an edge's cursor is its absolute position, so these lists page
 *   both ways; `last` without `before` reads to the end of the list (or from a known total).
 * A request fetches the upstream pages it needs, and no more.
 */
import type { CursorPage } from '../../agora/chat/schemas.ts';
import { publicError } from './errors.ts';

export interface ConnectionArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** For the description of every connection over Agora's forward cursors. */
export const FORWARDS_ONLY = 'Pages forwards only (Agora gives forward cursors): `last` and `before` are refused.';

export const MAX_COUNT = 1000;
/** How many edges a connection answers when the client gives neither `first` nor `last`. */
export const DEFAULT_FIRST = 20;
/** `last` without `before` on a list of unknown length reads it to the end: at most this many upstream pages. */
const MAX_PAGES_TO_END = 50;

/** A cursor is JSON in base64url: opaque to clients, checked by `decode` when it comes back. */
export const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decode<T>(cursor: string, valid: (v: unknown) => v is T, argument: 'after' | 'before'): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (valid(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw publicError(`The cursor in \`${argument}\` is not one this list gave out; take cursors from this list's edges or pageInfo`, 'BAD_USER_INPUT', {
    field: argument,
  });
}

export function countOf(args: ConnectionArgs, argument: 'first' | 'last'): number | undefined {
  const value = args[argument];
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) {
    throw publicError(`\`${argument}\` must be 0 to ${MAX_COUNT}`, 'BAD_USER_INPUT', { field: argument });
  }
  return value;
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
  typeof v === 'object' &&
  v !== null &&
  'index' in v &&
  typeof (v as PageCursor).index === 'number' &&
  ((v as PageCursor).page === null || typeof (v as PageCursor).page === 'string');

/** Refuses `last` and `before` by name on a list that pages forwards only, saying why. */
export function refuseBackwards(args: ConnectionArgs, because: string): void {
  for (const argument of ['last', 'before'] as const) {
    if (args[argument] !== null && args[argument] !== undefined) {
      throw publicError(
        `\`${argument}\` cannot be used here: this list pages forwards only, because ${because}; use \`first\` and \`after\``,
        'BAD_USER_INPUT',
        {
          field: argument,
        },
      );
    }
  }
}

/** A connection over a cursor-paged Agora list: forwards only. */
export async function cursorConnection<T>(
  args: ConnectionArgs,
  fetchPage: (cursor: string | undefined, limit: number) => Promise<CursorPage<T>>,
  maxPageSize: number,
  defaultFirst = DEFAULT_FIRST,
): Promise<Connection<T>> {
  refuseBackwards(args, 'Agora gives forward cursors');
  const first = countOf(args, 'first') ?? defaultFirst;
  const start = args.after ? decode(args.after, isPageCursor, 'after') : { page: null, index: -1 };
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
const isOffsetCursor = (v: unknown): v is OffsetCursor =>
  typeof v === 'object' && v !== null && Number.isInteger((v as OffsetCursor).offset) && (v as OffsetCursor).offset >= 0;

export interface NumberedOptions {
  defaultFirst?: number;
  /** The list's length, where Agora can tell it: lets `last` without `before` skip to the end. */
  total?: () => Promise<number>;
}

/** A connection over a page-number-paged Agora list (pages start at 1): both ways. */
export async function numberedConnection<T>(
  args: ConnectionArgs,
  fetchPage: (pageNum: number, pageSize: number) => Promise<{ items: T[]; hasMore: boolean }>,
  pageSize: number,
  options: NumberedOptions = {},
): Promise<Connection<T>> {
  const first = countOf(args, 'first');
  const last = countOf(args, 'last');
  // The window the cursors leave (ApplyCursorsToEdges): positions from..before, `before` exclusive.
  const from = args.after ? decode(args.after, isOffsetCursor, 'after').offset + 1 : 0;
  const before = args.before ? Math.max(from, decode(args.before, isOffsetCursor, 'before').offset) : undefined;

  /** Items at positions [start, end), and whether the list goes on past `end`. */
  const read = async (start: number, end: number) => {
    const items: T[] = [];
    for (let pageNum = Math.floor(start / pageSize) + 1, pages = 1; ; pageNum++, pages++) {
      if (end === Infinity && pages > MAX_PAGES_TO_END) {
        throw publicError(
          `\`last\` without \`before\` reads this list to its end, and it is longer than ${MAX_PAGES_TO_END * pageSize} items; page with \`first\`, or with \`before\``,
          'BAD_USER_INPUT',
          { field: 'last' },
        );
      }
      const page = await fetchPage(pageNum, pageSize);
      const base = (pageNum - 1) * pageSize;
      items.push(...page.items.slice(Math.max(0, start - base), Math.max(0, end - base)));
      const pageEnd = base + page.items.length;
      if (pageEnd >= end) return { items, more: pageEnd > end || page.hasMore };
      if (!page.hasMore) return { items, more: false };
    }
  };
  const edgesFrom = (items: T[], start: number) => items.map((node, i) => ({ cursor: encode({ offset: start + i }), node }));

  if (last === undefined) {
    // Forwards: read only what `first` needs.
    const windowEnd = before ?? Infinity;
    const end = Math.min(windowEnd, from + (first ?? options.defaultFirst ?? DEFAULT_FIRST));
    const { items, more } = await read(from, end);
    return connection(edgesFrom(items, from), end < windowEnd && more, from > 0);
  }
  // Backwards: the whole window, then `first` and `last` as the specification applies them.
  const end = before ?? (options.total ? await options.total() : Infinity);
  const { items: window } = await read(from, end);
  const firstSlice = first === undefined ? window : window.slice(0, first);
  const start = Math.max(0, firstSlice.length - last);
  const hasNextPage = first !== undefined ? window.length > first : before !== undefined;
  return connection(edgesFrom(firstSlice.slice(start), from + start), hasNextPage, window.length > last);
}

/**
 * A connection over a list the gateway keeps in order (the message store): an edge's cursor is its
 * position, so the list pages both ways, exactly as the Relay specification says: `first` (20 when
 * neither count is given) from the start of the range, `last` from its end, both together the last of
 * the first. A chat screen asks `last: 50`, then `before` the first edge's cursor.
 */
export async function positionConnection<P, T>(
  args: ConnectionArgs,
  read: (range: { after?: P | undefined; before?: P | undefined; limit: number; from: 'newest' | 'oldest' }) => Promise<{ items: T[]; total: number }>,
  position: { of: (item: T) => P; valid: (v: unknown) => v is P },
): Promise<Connection<T>> {
  const last = countOf(args, 'last');
  const first = countOf(args, 'first') ?? (last === undefined ? DEFAULT_FIRST : undefined);
  const after = args.after ? decode(args.after, position.valid, 'after') : undefined;
  const before = args.before ? decode(args.before, position.valid, 'before') : undefined;
  const { items, total } = await read(first !== undefined ? { after, before, limit: first, from: 'oldest' } : { after, before, limit: last!, from: 'newest' });
  const kept = first !== undefined && last !== undefined ? items.slice(Math.max(0, items.length - last)) : items;
  const edges = kept.map((node) => ({ cursor: encode(position.of(node)), node }));
  return connection(edges, first !== undefined ? total > first : before !== undefined, last !== undefined ? total > last : after !== undefined);
}
