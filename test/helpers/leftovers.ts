/**
 * Every server, client and socket a test starts is registered here and disposed after the test, in
 * reverse order, so a failing test never leaks a port (graphql-ws tests/utils/tservers.ts does the same).
 */
type Dispose = () => unknown | Promise<unknown>;
const stack: Dispose[] = [];

export function leftover<T>(value: T, dispose: (value: T) => unknown | Promise<unknown>): T {
  stack.push(() => dispose(value));
  return value;
}

/** Disposes, newest first, everything registered since the last call (test/setup.ts runs it after each test). */
export async function disposeLeftovers(): Promise<void> {
  while (stack.length > 0) {
    const dispose = stack.pop()!;
    await dispose();
  }
}
