/**
 * An object whose properties are made on first read, then kept: for what a unit of work may or may not
 * use (a request's loaders, a bound client's namespaces), so that making the object costs nothing.
 */
const used = new WeakSet<object>();

/** Whether any property of a lazy object was made yet (an unused one is as fresh as a new one). */
export const lazyObjectUsed = (target: object): boolean => used.has(target);

export function lazyObject<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(makers) as (keyof T & string)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        used.add(target);
        const value = makers[key]();
        Object.defineProperty(target, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}
