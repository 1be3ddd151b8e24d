/**
 * GraphiQL served from the installed packages, never from a CDN, so it opens offline, behind a proxy and
 * under a strict Content-Security-Policy.
 *
 * `@graphql-yoga/render-graphiql` inlines GraphiQL (about 9 MB of script and its three Monaco workers) into
 * one HTML page with inline scripts, which a CSP without 'unsafe-inline' refuses. So the page here is a
 * small shell with no inline script, and the bundle, the workers and the stylesheet are separate files
 * under /graphiql/, named by their content hash: cached for good by browsers, compressed once per process
 * (brotli and gzip) when GraphiQL is first opened, and sent compressed to every client that accepts it.
 *
 * The bundle is loaded when GraphiQL is first opened, not when the gateway starts: its module's source and
 * the strings it exports (about 15 MB of heap), and the 9 MB of buffers made from them, are what a gateway
 * no one opens GraphiQL on would otherwise carry for good.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import type { GraphiQLOptions } from 'graphql-yoga';

export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

/**
 * Scripts, workers, styles and connections from this origin only. Styles allow 'unsafe-inline' because
 * Monaco sets style attributes as it lays out the editor; no inline script runs anywhere.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sets Monaco's worker URLs before the bundle loads, and renders GraphiQL once the page is parsed. */
const BOOT = `(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: function (_moduleId, label) { return config.workers[label]; } };
  document.addEventListener('DOMContentLoaded', function () {
    YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), config.options);
  });
})();
`;

interface Asset {
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
  /** Compressed bodies; until they are made, the asset goes out uncompressed. */
  readonly encoded: Map<'br' | 'gzip', Buffer>;
}

const hashOf = (body: Buffer) => createHash('sha256').update(body).digest('base64url').slice(0, 16);

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  const hash = hashOf(body);
  return { path: `${GRAPHIQL_ASSETS_PATH}${name}.${hash}.${ext}`, type, body, etag: `"${hash}"`, encoded: new Map() };
}

const SCRIPT = 'text/javascript; charset=utf-8';

type StaticAssets = Awaited<ReturnType<typeof makeStaticAssets>>;

/**
 * The files that are the same for every gateway in the process, made once when GraphiQL is first opened:
 * hashing 9 MB costs about 20 ms, compressing it about half a second, and a test process starts dozens of
 * gateways that never open GraphiQL.
 */
let staticAssets: Promise<StaticAssets> | undefined;

async function makeStaticAssets() {
  const { css, editorWorkerService, favicon, graphqlWorker, js, jsonWorker } = await import('@graphql-yoga/render-graphiql/graphiql');
  const workers = {
    editorWorkerService: asset('editor.worker', 'js', SCRIPT, Buffer.from(editorWorkerService)),
    json: asset('json.worker', 'js', SCRIPT, Buffer.from(jsonWorker)),
    graphql: asset('graphql.worker', 'js', SCRIPT, Buffer.from(graphqlWorker)),
  };
  const [, faviconType = 'image/x-icon', faviconBase64 = ''] = /^data:([^;,]+);base64,(.*)$/s.exec(favicon) ?? [];
  const files = {
    bundle: asset('graphiql', 'js', SCRIPT, Buffer.from(js)),
    stylesheet: asset('graphiql', 'css', 'text/css; charset=utf-8', Buffer.from(css)),
    boot: asset('boot', 'js', SCRIPT, Buffer.from(BOOT)),
    favicon: asset('favicon', 'ico', faviconType, Buffer.from(faviconBase64, 'base64')),
  };
  const byPath = new Map([...Object.values(files), ...Object.values(workers)].map((a) => [a.path, a]));
  let compressed: Promise<void> | undefined;
  return {
    ...files,
    workers,
    byPath,
    /** Compresses every file once (in libuv's thread pool, off the event loop); later calls share the result. */
    compressAll: () => (compressed ??= Promise.all([...byPath.values()].map(compress)).then(() => undefined)),
  };
}

const compressBrotli = promisify(brotliCompress);
const compressGzip = promisify(gzip);

async function compress(target: Asset): Promise<void> {
  if (target.body.length < 1024) return;
  // Brotli quality 5: 1.29 MB for the 5 MB bundle in about 0.2 s; quality 9 saves 4% more for 4x the time.
  const [br, gz] = await Promise.all([
    compressBrotli(target.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: target.body.length } }),
    compressGzip(target.body, { level: 6 }),
  ]);
  target.encoded.set('br', br).set('gzip', gz);
}

function preferredEncoding(req: IncomingMessage, target: Asset): 'br' | 'gzip' | undefined {
  const accepted = String(req.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted) && target.encoded.has('br')) return 'br';
  if (/\bgzip\b/.test(accepted) && target.encoded.has('gzip')) return 'gzip';
  return undefined;
}

function send(req: IncomingMessage, res: ServerResponse, target: Asset, headers: Record<string, string>): void {
  const common = { 'content-type': target.type, etag: target.etag, vary: 'accept-encoding', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === target.etag) {
    res.writeHead(304, common).end();
    return;
  }
  const encoding = preferredEncoding(req, target);
  const body = encoding ? (target.encoded.get(encoding) ?? target.body) : target.body;
  res.writeHead(200, { ...common, 'content-length': String(body.length), ...(encoding ? { 'content-encoding': encoding } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** JSON inside a <script> element: `<` escaped so that no string in it can close the element. */
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface GraphiQL {
  /** Serves the page (GET or HEAD of the GraphQL path asking for HTML) or one of its files; false if the request is neither. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): false | Promise<boolean>;
}

/**
 * yoga's GraphiQL options, and `connectionParams`: GraphiQL hands its options to its URL loader, whose
 * graphql-ws client sends them in connection_init (the headers editor reaches HTTP requests only).
 */
export type GatewayGraphiQLOptions = GraphiQLOptions & { connectionParams?: Record<string, string> };

export function createGraphiQL(options: { graphqlPath: string; title: string; graphiql: GatewayGraphiQLOptions }): GraphiQL {
  let opened: Promise<{ files: StaticAssets; page: Asset }> | undefined;
  const open = () => (opened ??= (staticAssets ??= makeStaticAssets()).then((files) => ({ files, page: pageOf(files, options) })));

  return {
    // `false` at once for what is neither (every GraphQL request asks).
    handle(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (path.startsWith(GRAPHIQL_ASSETS_PATH)) {
        return open().then(async ({ files }) => {
          const fixed = files.byPath.get(path);
          if (!fixed) return false;
          // The first request waits for compression (well under a second) rather than send 9 MB raw.
          await files.compressAll();
          send(req, res, fixed, { 'cache-control': 'public, max-age=31536000, immutable' });
          return true;
        });
      }
      const wantsPage = (path === options.graphqlPath || path === `${options.graphqlPath}/`) && String(req.headers.accept ?? '').includes('text/html');
      if (!wantsPage) return false;
      return open().then(({ files, page }) => {
        // The page is small and names the files by hash, so a browser revalidates it and keeps the rest.
        void files.compressAll();
        send(req, res, page, { 'cache-control': 'no-cache', 'content-security-policy': GRAPHIQL_CSP, 'referrer-policy': 'no-referrer' });
        return true;
      });
    },
  };
}

/** The page of one gateway: its title and options, and the files named by their hashes. */
function pageOf(files: StaticAssets, options: { title: string; graphiql: GatewayGraphiQLOptions }): Asset {
  const config = {
    options: options.graphiql,
    workers: Object.fromEntries(Object.entries(files.workers).map(([label, w]) => [label, w.path])),
  };
  return asset(
    'index',
    'html',
    'text/html; charset=utf-8',
    Buffer.from(`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title)}</title>
    <link rel="icon" href="${files.favicon.path}" />
    <link rel="stylesheet" href="${files.stylesheet.path}" />
    <script id="graphiql-config" type="application/json">${scriptSafeJson(config)}</script>
    <script src="${files.boot.path}" defer></script>
    <script src="${files.bundle.path}" defer></script>
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
  </body>
</html>
`),
  );
}
