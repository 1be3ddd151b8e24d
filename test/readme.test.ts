import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulatorControl } from '../src/emulator/control-client.ts';
import { postGraphQL, startGateway, wsClient } from './helpers/gateway.ts';
import { activeSubscriptions, subscribe } from './helpers/live.ts';

describe('README', () => {
  it('quick start: the query it shows returns the JSON it shows', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const query = readme.match(/```graphql\n([\s\S]*?)```/)?.[1];
    const answer = readme.match(/You get back:\n\n```json\n([\s\S]*?)```/)?.[1];
    expect(query).toBeDefined();
    expect(answer).toBeDefined();
    const { graphqlUrl } = await startGateway();
    const res = await postGraphQL(graphqlUrl, query!);
    // The request id is new for every request: the README shows one of the same form.
    const expected = JSON.parse(answer!) as { extensions: { requestId: string } };
    expect(res.body.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(expected.extensions.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toEqual({ ...expected, extensions: { ...expected.extensions, requestId: res.body.extensions?.requestId } });
  });

  it('the schema tour query runs without errors against the demo data', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const tour = readme.match(/```graphql\n(query Tour[\s\S]*?)```/)?.[1];
    expect(tour).toBeDefined();
    const { graphqlUrl } = await startGateway();
    const res = await postGraphQL(graphqlUrl, tour!);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toMatchObject({ user: { nickname: 'Alice Martin', joinedGroups: { edges: [{ node: { name: 'Product team' } }] } } });
  });

  it('quick start has exactly the two documented commands', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Concepts'));
    expect([...quickStart.matchAll(/```sh\n(.*)\n```/g)].map((m) => m[1])).toEqual(['npm install && npm start', 'npm install && npm test']);
  });

  it('documents every configuration variable that config.ts reads', async () => {
    const [readme, config] = await Promise.all([
      readFile(new URL('../README.md', import.meta.url), 'utf8'),
      readFile(new URL('../src/config.ts', import.meta.url), 'utf8'),
    ]);
    const variables = [...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(10);
    for (const name of variables) expect(readme, name).toContain(`\`${name}\``);
  });
});

describe('README real time', () => {
  it('the subscription it shows receives the event of the mutation it shows, against the demo data', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const live = readme.match(/```graphql\n(subscription Live[\s\S]*?)```/)?.[1];
    const trigger = readme.match(/```graphql\n(mutation Trigger[\s\S]*?)```/)?.[1];
    expect(live).toBeDefined();
    expect(trigger).toBeDefined();
    const { graphqlUrl, server } = await startGateway();
    const events = subscribe<{ to: string; service: string }>(wsClient(graphqlUrl), 'messageSent', live!);
    await activeSubscriptions(server, 1);
    expect((await postGraphQL(graphqlUrl, trigger!)).body.errors).toBeUndefined();
    expect(await events.waitFor(1)).toEqual([expect.objectContaining({ service: 'SIGNALING', to: 'bob' })]);
  });
});

describe('README Chat callbacks', () => {
  it("the subscription it shows receives a simulated client's message, live, in emulator mode", async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const conversation = readme.match(/```graphql\n(subscription Conversation[\s\S]*?)```/)?.[1];
    expect(conversation).toBeDefined();
    const { graphqlUrl, server } = await startGateway();
    const events = subscribe<{ message: { sender: { username: string }; body: { text: string } } }>(wsClient(graphqlUrl), 'messageReceived', conversation!);
    await activeSubscriptions(server, 1);
    await createEmulatorControl(server.emulator!.url).chat.send('alice', { to: 'bob', text: 'hi' });
    expect(await events.waitFor(1)).toEqual([
      expect.objectContaining({ message: expect.objectContaining({ sender: { username: 'alice' }, body: { text: 'hi' } }) }),
    ]);
  });

  it('its map of src/ names every folder and root file of src/ and of src/schema/, and only paths that exist', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const map = readme.slice(readme.indexOf('## Map of src/'), readme.indexOf('### Following one name'));
    const root = fileURLToPath(new URL('../', import.meta.url));
    const named = [...map.matchAll(/`(src\/[\w./-]+)`/g)].map((m) => m[1]!);
    for (const path of named) expect(existsSync(`${root}${path}`), path).toBe(true);
    for (const folder of ['src', 'src/schema']) {
      for (const entry of readdirSync(`${root}${folder}`, { withFileTypes: true })) {
        const written = entry.isDirectory() ? `${entry.name}/` : entry.name;
        expect(map, `${folder}/${written}`).toMatch(new RegExp(`\`(${folder}/)?${written.replace('.', '\\.')}\``));
      }
    }
  });
});
