import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createEmulatorControl } from '../../src/emulator/control-client.ts';
import { activeSubscriptions } from '../helpers/live.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_CSP } from '../../src/server/graphiql.ts';
import { startGateway, startGatewayForFile } from '../helpers/gateway.ts';
import { leftover } from '../helpers/leftovers.ts';
import { cleanEnv, reportingModuleLoads, runCli } from '../helpers/spawn.ts';

/** Debian's chromium (`.ci/run` installs it); playwright-core drives it and downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);

async function pageFiles(graphqlUrl: string) {
  const res = await fetch(graphqlUrl, { headers: { accept: 'text/html' } });
  const html = await res.text();
  const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  return { res, html, files, origin: new URL(graphqlUrl).origin };
}

describe('GraphiQL, served from the installed packages', () => {
  it('is a page with no inline script and a strict Content-Security-Policy, whose files all come from the gateway', async () => {
    const { graphqlUrl } = await startGateway();
    const { res, html, files, origin } = await pageFiles(graphqlUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(GRAPHIQL_CSP);
    expect(GRAPHIQL_CSP).toContain("script-src 'self'");
    expect(GRAPHIQL_CSP).not.toMatch(/script-src[^;]*unsafe/);
    // Every <script> either has a src or is JSON data, which a browser never executes.
    for (const [tag] of html.matchAll(/<script[^>]*>/g)) expect(tag).toMatch(/ src="|type="application\/json"/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      expect(file).toMatch(/^\/graphiql\//);
      expect((await fetch(new URL(file, origin), { method: 'HEAD' })).status).toBe(200);
    }
  });

  it('sends its 9 MB of files compressed and cacheable for good, and the page revalidated', async () => {
    const { graphqlUrl } = await startGateway();
    const { res, files, origin } = await pageFiles(graphqlUrl);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const bundle = files.find((f) => /\/graphiql\.[\w-]+\.js$/.test(f))!;
    const raw = await fetch(new URL(bundle, origin), { headers: { 'accept-encoding': 'identity' } });
    const rawBody = Buffer.from(await raw.arrayBuffer());
    expect(rawBody.length).toBeGreaterThan(4_000_000);
    expect(raw.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    // undici's fetch would decode the body itself; node:http shows what went over the wire.
    for (const [encoding, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const wire = await rawGet(new URL(bundle, origin), { 'accept-encoding': encoding });
      expect(wire.headers['content-encoding']).toBe(encoding);
      expect(wire.body.length).toBeLessThan(rawBody.length / 3);
      expect(decode(wire.body).equals(rawBody)).toBe(true);
    }

    const etag = raw.headers.get('etag')!;
    expect((await fetch(new URL(bundle, origin), { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it("loads GraphiQL's bundle (about 15 MB of heap) only when GraphiQL is first opened", async () => {
    const run = runCli(['serve'], cleanEnv({ PORT: '0', ...reportingModuleLoads('@graphql-yoga/render-graphiql') }));
    const [, graphqlUrl] = await run.waitFor(/serving GraphiQL at (http:\/\/\S+\/graphql)/);
    const res = await fetch(graphqlUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ health }' }) });
    expect(res.status).toBe(200);
    expect(run.stdout()).not.toContain('loading module @graphql-yoga/render-graphiql');

    const { res: page, files, origin } = await pageFiles(graphqlUrl!);
    expect(page.status).toBe(200);
    expect(run.stdout()).toContain('loading module @graphql-yoga/render-graphiql');
    const script = new URL(
      files.find((f) => f.endsWith('.js'))!,
      origin,
    );
    expect((await fetch(script, { method: 'HEAD' })).status).toBe(200);
    // A name under /graphiql/ that is none of its files is not GraphiQL's to answer.
    expect((await fetch(new URL('/graphiql/nothing.js', origin))).status).toBe(404);
  });

  describe('in Chromium', () => {
    // One browser, one gateway and one browser context for the file (each test opens its own page):
    // starting Chromium is the slow part, and the second page loads GraphiQL's 9 MB from the browser's
    // cache (the files are immutable), as a returning user's browser does.
    let shared: Browser | undefined;
    let gateway: Awaited<ReturnType<typeof startGatewayForFile>> | undefined;
    let context: BrowserContext | undefined;
    beforeAll(async () => {
      gateway = await startGatewayForFile({ EVENT_POLL_INTERVAL_MS: '50' });
      if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`);
      shared = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // The machine has no network but loopback: keep Chromium from calling home at start.
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    afterAll(async () => {
      await context?.close();
      await shared?.close();
      await gateway?.stop();
    });
    const openBrowser = async (): Promise<Browser> => shared!;

    /** Opens GraphiQL and records every request the page makes and every CSP complaint. */
    async function openGraphiQL(browser: Browser, url: string) {
      context ??= await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = leftover(await context.newPage(), (p) => p.close());
      const requests: string[] = [];
      const complaints: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') complaints.push(m.text());
      });
      page.on('pageerror', (e) => complaints.push(e.message));
      await page.goto(url);
      await page.locator('.graphiql-execute-button').waitFor({ timeout: 20_000 });
      return { page, requests, complaints };
    }

    async function runAndWaitFor(page: Page, text: string) {
      await page.locator('.graphiql-execute-button').click();
      await page.locator('.graphiql-response').getByText(text).first().waitFor({ timeout: 20_000 });
    }

    async function screenshot(page: Page, name: string) {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: new URL(name, ARTIFACTS).pathname });
    }

    it('opens on the tour query, runs it, and shows the demo data, with no request leaving the gateway', async () => {
      const { graphqlUrl } = gateway!;
      const browser = await openBrowser();
      const { page, requests, complaints } = await openGraphiQL(browser, graphqlUrl);
      await page.locator('.graphiql-query-editor').getByText('query Tour').first().waitFor();
      await runAndWaitFor(page, '"EMULATOR"');
      await page.locator('.graphiql-response').getByText('"Alice Martin"').first().waitFor();
      await screenshot(page, 'graphiql-tour.png');

      const origin = new URL(graphqlUrl).origin;
      expect(requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:') && !r.startsWith('data:'))).toEqual([]);
      expect(complaints).toEqual([]);
    });

    it('runs a subscription over WebSocket and shows the event of a simulated client as it arrives', async () => {
      const { graphqlUrl, server } = gateway!;
      const browser = await openBrowser();
      const subscription = 'subscription Live { userEvents(usernames: ["grace"]) { type user { username } at } }';
      const url = `${graphqlUrl}?query=${encodeURIComponent(subscription)}`;
      const sockets: string[] = [];
      const { page, complaints } = await openGraphiQL(browser, url);
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.locator('.graphiql-execute-button').click();
      await activeSubscriptions(server, 1);
      // A simulated Signaling SDK client logs in at the emulator; the poller reads it and GraphiQL shows it.
      await createEmulatorControl(server.emulator!.url).signaling.login('grace');
      await page.locator('.graphiql-response').getByText('"LOGIN"').first().waitFor({ timeout: 20_000 });
      await page.locator('.graphiql-response').getByText('"grace"').first().waitFor();
      await screenshot(page, 'graphiql-subscription.png');
      expect(sockets).toEqual([graphqlUrl.replace(/^http/, 'ws')]);
      expect(complaints).toEqual([]);
    });
  });
});

function rawGet(url: URL, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return import('node:http').then(
    ({ get }) =>
      new Promise((resolve, reject) => {
        get(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        }).on('error', reject);
      }),
  );
}
