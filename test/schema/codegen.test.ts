import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.ts';

describe('GraphQL Code Generator output', () => {
  it('is current (run `npm run codegen` after changing the schema or the operations in test/operations)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(await readFile(new URL(`../../${output.filename}`, import.meta.url), 'utf8'), output.filename).toBe(output.content);
    }
  }, 60_000);
});
