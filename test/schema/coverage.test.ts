import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CHAT_ENDPOINTS } from '../../src/agora/chat/endpoints.ts';
import { NOT_IN_SCHEMA, SCHEMA_COVERAGE } from '../../src/schema/common/coverage.ts';
import { schema } from '../../src/schema/index.ts';
import { clientFor, startEmulator } from '../helpers/agora.ts';

const exists = (coordinate: string): boolean => {
  const [typeName, field] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  return isObjectType(type) && field in type.getFields();
};

describe('every Agora client method is reachable from the schema', () => {
  it('walks the Chat endpoint table (seed 004) and finds a field or mutation for each row', () => {
    const missing = CHAT_ENDPOINTS.filter((row) => !(SCHEMA_COVERAGE[row.client] ?? []).some(exists)).map((row) => `${row.client} (${row.name})`);
    expect(missing).toEqual([]);
  });

  it('finds every Signaling client method, or says why it is not in the schema', async () => {
    const { emulator } = await startEmulator();
    const signaling = clientFor(emulator).signaling;
    const missing = Object.keys(signaling)
      .map((m) => `signaling.${m}`)
      .filter((m) => !NOT_IN_SCHEMA[m] && !(SCHEMA_COVERAGE[m] ?? []).some(exists));
    expect(missing).toEqual([]);
  });

  it('names only coordinates that exist', () => {
    const unknown = Object.values(SCHEMA_COVERAGE)
      .flat()
      .filter((c) => !exists(c));
    expect(unknown).toEqual([]);
  });
});
