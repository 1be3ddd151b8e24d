import { describe, expect, it } from 'vitest';
import { lazyKind, renewedLazy } from '../../src/lib/lazy.ts';

describe('lazy objects', () => {
  const made: string[] = [];
  const kind = lazyKind<{ a: string[]; b: number }, { name: string }>({
    a: (state) => {
      made.push(`a:${state.name}`);
      return [state.name];
    },
    b: () => 1,
  });

  it('makes a property from its state on first read, once, and shares the getters of its kind', () => {
    made.length = 0;
    const x = kind({ name: 'x' });
    const y = kind({ name: 'y' });
    expect(made).toEqual([]);
    expect(x.a).toEqual(['x']);
    expect(x.a).toBe(x.a);
    expect(y.a).toEqual(['y']);
    expect(made).toEqual(['a:x', 'a:y']);
    expect(Object.getPrototypeOf(x)).toBe(Object.getPrototypeOf(y));
    expect(Object.keys({ ...x })).toContain('a');
  });

  it('renews an object once something was made of it, with the same state, and not before', () => {
    const fresh = kind({ name: 'z' });
    expect(renewedLazy(fresh)).toBe(fresh);
    const first = fresh.a;
    const renewed = renewedLazy(fresh);
    expect(renewed).not.toBe(fresh);
    expect(renewed.a).toEqual(['z']);
    expect(renewed.a).not.toBe(first);
  });
});
