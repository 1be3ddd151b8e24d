/**
 * One instance of each equal string: thousands of subscribers of one app send the same operation text and
 * share the same audiences, and each copy would be held for as long as its subscription lives. Bounded:
 * past `capacity` distinct strings the oldest is forgotten (a later copy is then simply its own), and a
 * string longer than `maxLength` is never kept.
 */
export function createInterner(capacity = 1_000, maxLength = 4_096): (text: string) => string {
  const known = new Map<string, string>();
  return (text) => {
    // What it holds stays small whoever sends the texts: a long one is left alone.
    if (text.length > maxLength) return text;
    const found = known.get(text);
    if (found !== undefined) return found;
    known.set(text, text);
    if (known.size > capacity) known.delete(known.keys().next().value!);
    return text;
  };
}
