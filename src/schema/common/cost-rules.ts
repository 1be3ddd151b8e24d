/**
 * The upstream cost of each field that calls Agora, declared by the field's own module beside its
 * definition (`costRules({ 'User.online': … })`), and read by cost.ts to predict `extensions.cost`:
 *
 *   batch   one key of a per-request DataLoader per parent: ceil(parents / batch size) calls per depth
 *   call    one upstream call per parent (`children: 'estimate'` for lists whose length Agora decides)
 *   pages   a connection: ceil(first / page size) calls per parent (one more when it selects a given
 *           path); its nodes multiply by `first`
 *   viewer  the signed-in user, or nothing for service requests
 *
 * Fields without a rule cost nothing (they read what their parent holds). A test runs a query through
 * every root field and fails when a prediction not marked estimated differs from the calls made.
 */
import type { LOADER_BATCH_SIZES } from '../../loaders/index.ts';

export type LoaderName = keyof typeof LOADER_BATCH_SIZES;

export type CostRule =
  | { kind: 'batch'; loader: LoaderName; argKey?: string }
  | { kind: 'call'; calls?: number; children?: 'estimate'; loads?: LoaderName; estimated?: boolean }
  | {
      kind: 'pages';
      pageSize: number;
      loads?: LoaderName;
      callsPerPage?: number;
      estimated?: boolean;
      /** One more call per parent when the connection's selection asks for this path (members' `edges.role`: the admins). */
      plusCallWhenSelected?: readonly string[];
    }
  /** The signed-in user: there when the request has one, null for service requests. */
  | { kind: 'viewer' };

const rules = new Map<string, CostRule>();

/** Declares the cost of fields, keyed `Type.field`; a field declared twice is a mistake. */
export function costRules(table: Record<string, CostRule>): void {
  for (const [coordinate, rule] of Object.entries(table)) {
    if (rules.has(coordinate)) throw new Error(`the cost of ${coordinate} is declared twice`);
    rules.set(coordinate, rule);
  }
}

export const costRuleOf = (coordinate: string): CostRule | undefined => rules.get(coordinate);
