import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CHAT_ENDPOINTS, chatEndpointsMarkdown } from '../../../src/agora/chat/endpoints.ts';
import { createEmulator } from '../../../src/emulator/server.ts';
import { chatOf, clientFor, startEmulator } from '../../helpers/agora.ts';

/** Client members that compose endpoints rather than call one. */
const HELPERS = new Set(['messages.downloadHistory']);

const normalize = (path: string) => path.replace(/\{[^}]+\}|:[A-Za-z_]+/g, '{}');

describe('the Agora Chat endpoint table (seed 004)', () => {
  it('has, for every row, a client method and emulator routes that serve its method and path', async () => {
    const { emulator } = await startEmulator();
    const chat = chatOf(clientFor(emulator)) as unknown as Record<string, Record<string, unknown>>;
    const routes = emulator.routes().filter((r) => r.service === 'chat');
    const missing: string[] = [];
    for (const row of CHAT_ENDPOINTS) {
      const [group, method] = row.client.split('.') as [string, string];
      if (typeof chat[group]?.[method] !== 'function') missing.push(`client ${row.client} (${row.name})`);
      for (const name of row.routes) if (!routes.some((r) => r.name === name)) missing.push(`route ${name} (${row.name})`);
      const serving = routes.filter((r) => row.routes.includes(r.name));
      const served = serving.some((r) => r.method === row.method && normalize(r.pattern).endsWith(normalize(row.path)));
      const perTarget = row.path.includes('|') && serving.some((r) => r.method === row.method);
      if (!served && !perTarget) missing.push(`${row.method} ${row.path} is not what ${row.routes.join(', ')} serve (${row.name})`);
    }
    expect(missing).toEqual([]);
    expect(CHAT_ENDPOINTS.length).toBe(101);
  });

  it('leaves no client method and no emulator route out', async () => {
    const emulator = createEmulator();
    const { emulator: running } = await startEmulator();
    const chat = chatOf(clientFor(running)) as unknown as Record<string, Record<string, unknown>>;
    const listed = new Set(CHAT_ENDPOINTS.map((r) => r.client));
    const unlisted = Object.entries(chat).flatMap(([group, methods]) =>
      Object.keys(methods)
        .map((m) => `${group}.${m}`)
        .filter((m) => !listed.has(m) && !HELPERS.has(m)),
    );
    expect(unlisted).toEqual([]);
    const routed = new Set(CHAT_ENDPOINTS.flatMap((r) => r.routes));
    const unrouted = emulator
      .routes()
      .filter((r) => r.service === 'chat' && !routed.has(r.name))
      .map((r) => `${r.name} ${r.method} ${r.pattern}`);
    expect(unrouted).toEqual([]);
  });

  it('is printed in the README (run `node src/bin.mjs print-endpoints` and paste it after a change)', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.match(/<!-- chat-endpoints:start -->\n([\s\S]*?)<!-- chat-endpoints:end -->/)?.[1];
    expect(section).toBe(chatEndpointsMarkdown());
  });
});
