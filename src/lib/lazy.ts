/**
 * An object whose properties are made on first read, then kept: for what a unit of work may or may not
 * use (a request's loaders, a bound client's namespaces), so that making the object costs nothing.
 */
export function lazyObject<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(makers) as (keyof T & string)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = makers[key]();
        Object.defineProperty(target, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}
