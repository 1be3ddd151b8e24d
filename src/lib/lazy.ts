/**
 * Objects whose properties are made on first read, then kept: for what a unit of work may or may not
 * use (a request's loaders, a bound client's namespaces), so that making the object costs nothing.
 *
 * A kind of lazy object is declared once, with a maker per property that reads the object's state; the
 * getters live on one prototype for the kind, so that making an object is an `Object.create` and one
 * field, not a closure per property: a subscription's context keeps its loaders and its bound client for
 * as long as the subscriber listens, and 5,000 subscribers would otherwise hold 5,000 sets of makers.
 */
const STATE = Symbol('lazy state');
const USED = Symbol('lazy used');
const MAKE = Symbol('lazy make');

interface LazyTarget<S> {
  [STATE]: S;
  [USED]?: true;
}

type Makers<T, S> = { [K in keyof T]: (state: S) => T[K] };

/** A kind of lazy object: call it with a state to make one. */
export function lazyKind<T extends object, S>(makers: Makers<T, S>): (state: S) => T {
  const proto: Record<PropertyKey, unknown> = {};
  for (const key of Object.keys(makers) as (keyof T & string)[]) {
    const make = makers[key];
    Object.defineProperty(proto, key, {
      enumerable: true,
      get(this: LazyTarget<S>) {
        this[USED] = true;
        const value = make(this[STATE]);
        Object.defineProperty(this, key, { value, enumerable: true });
        return value;
      },
    });
  }
  const create = (state: S): T => {
    const target = Object.create(proto) as LazyTarget<S>;
    target[STATE] = state;
    return target as unknown as T;
  };
  proto[MAKE] = create;
  return create;
}

/**
 * A lazy object as fresh as a new one of the same kind and state: itself while none of its properties
 * was made yet (it holds nothing), or a new one.
 */
export function renewedLazy<T extends object>(target: T): T {
  const lazy = target as unknown as LazyTarget<unknown> & { [MAKE]: (state: unknown) => T };
  return lazy[USED] ? lazy[MAKE](lazy[STATE]) : target;
}
