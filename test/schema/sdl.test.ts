import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printSchema } from '../../src/schema/index.ts';

describe('schema.graphql', () => {
  it('is the schema printed from Pothos (run `npm run print-schema` after changing the schema)', async () => {
    expect(await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8')).toBe(printSchema());
  });
});
