/**
 * An object whose properties are made on first read, then kept: for what a unit of work may or may not
 * use (a request's loaders, a bound client's namespaces), so that making the object costs nothing.
 *
 * The getters live on a prototype shared by every lazy object with the same keys, so that making one is
 * an `Object.create` and not a `defineProperty` per key: requests make several each.
 */
const MAKERS = Symbol('lazy makers');
const USED = Symbol('lazy used');

interface LazyTarget {
  [MAKERS]: Record<string, () => unknown>;
  [USED]?: true;
}

const prototypes = new Map<string, object>();

function prototypeFor(keys: readonly string[]): object {
  const signature = keys.join('\u0000');
  let proto = prototypes.get(signature);
  if (proto) return proto;
  proto = {};
  for (const key of keys) {
    Object.defineProperty(proto, key, {
      enumerable: true,
      get(this: LazyTarget) {
        this[USED] = true;
        const value = this[MAKERS][key]!();
        Object.defineProperty(this, key, { value, enumerable: true });
        return value;
      },
    });
  }
  prototypes.set(signature, proto);
  return proto;
}

/** Whether any property of a lazy object was made yet (an unused one is as fresh as a new one). */
export const lazyObjectUsed = (target: object): boolean => (target as Partial<LazyTarget>)[USED] === true;

export function lazyObject<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const target = Object.create(prototypeFor(Object.keys(makers))) as LazyTarget;
  target[MAKERS] = makers as Record<string, () => unknown>;
  return target as unknown as T;
}
