/** What turns GraphQL input into what the Agora client's inputs expect. */

/** GraphQL nulls become absent fields, as the client's inputs expect. */
export const defined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
