/**
 * A subscription's filter list as a membership test: the same answers whether the list is short enough
 * to be searched or long enough to be hashed.
 */
import { describe, expect, it } from 'vitest';
import { anyOf } from '../../../src/schema/common/live.ts';

describe('anyOf', () => {
  it('lets everything through for an absent or empty list', () => {
    expect(anyOf(undefined)('alice')).toBe(true);
    expect(anyOf(null)('alice')).toBe(true);
    expect(anyOf([])('alice')).toBe(true);
  });

  it.each([1, 16, 17, 1000])('answers membership alike for a list of %i names', (size) => {
    const names = Array.from({ length: size }, (_, i) => `user${i}`);
    const wanted = anyOf(names);
    for (const name of names) expect(wanted(name)).toBe(true);
    expect(wanted('stranger')).toBe(false);
    expect(wanted(`user${size}`)).toBe(false);
  });
});
