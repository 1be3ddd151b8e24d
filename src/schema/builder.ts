import SchemaBuilder from '@pothos/core';
import type { AgoraClient } from '../agora/client.js';

/** What every resolver sees. */
export interface Context {
  agora: AgoraClient;
  /** Whether the gateway talks to the embedded emulator or to Agora. */
  mode: 'emulator' | 'agora';
}

/** Output fields are non-null unless a field says otherwise: absence is then a deliberate, documented choice. */
export const builder = new SchemaBuilder<{ Context: Context; DefaultFieldNullability: false }>({
  defaultFieldNullability: false,
});

builder.queryType({});
