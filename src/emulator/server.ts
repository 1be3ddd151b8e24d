/**
 * The embedded Agora emulator: a node:http server that answers Agora's documented REST surface with the
 * documented validation, limits and error envelopes, so the gateway cannot tell it from Agora except by
 * its address. One emulator can listen on several ports that share one state, so a single test can play
 * the primary, alternate and regional hosts.
 *
 * Each call passes, in order: route match (404/405), call counter, added latency, injected fault,
 * project and credentials (401), rate limit (429), then the handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RATE_LIMITS, type RateLimit } from '../agora/limits.ts';
import { sleep } from '../lib/sleep.ts';
import { checkChatAuth, checkSignalingAuth } from './auth.ts';
import { chatError } from './chat/envelope.ts';
import { chatRoutes } from './chat/routes.ts';
import { DEFAULT_SETTINGS, DEV_PROJECT, type EmulatorContext, type EmulatorProject, type EmulatorSettings } from './context.ts';
import { controlRoutes } from './control.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';
import { Router, type EmulatorRequest, type EmulatorResponse, type RouteService, type RouteSpec } from './router.ts';
import { signalingError, signalingRoutes } from './signaling.ts';
import { DEFAULT_REGION, EmulatorState } from './state.ts';
import { createCallbackDispatcher } from './chat/callbacks.ts';
import { Traffic } from './traffic.ts';

export interface EmulatorOptions {
  project?: EmulatorProject;
  settings?: Partial<EmulatorSettings>;
}

export interface ListenOptions {
  port?: number;
  host?: string;
  /** A name for counters and faults, e.g. `primary`; defaults to `listener-<n>`. */
  label?: string;
  /** The region whose Signaling event store this listener serves (seed 002: one store per region). */
  region?: string;
}

export interface Emulator {
  readonly project: EmulatorProject;
  readonly state: EmulatorState;
  readonly traffic: Traffic;
  readonly settings: EmulatorSettings;
  /** Starts one more listener sharing this emulator's state; resolves with its base URL. */
  listen(options?: ListenOptions): Promise<string>;
  /** Stops one listener (its port then refuses connections). */
  closeListener(label: string): Promise<void>;
  listeners(): { label: string; url: string }[];
  /** The URL of the first listener. */
  readonly url: string;
  routes(): RouteSpec[];
  close(): Promise<void>;
}

/** Room for Agora's 10 MB file uploads plus the multipart framing. */
const MAX_BODY_BYTES = 11 * 1024 * 1024;

const CHAT_ERROR_CODES: Record<number, string> = {
  400: 'illegal_argument',
  401: 'unauthorized',
  403: 'forbidden_op',
  404: 'service_resource_not_found',
  405: 'method_not_allowed',
  413: 'file exceeding maximum limit',
  415: 'web_application',
  429: 'reach_limit',
};

function errorFor(service: RouteService, status: number, message: string): EmulatorResponse {
  if (service === 'signaling') return signalingError(status, message);
  if (service === 'chat') return chatError(status, CHAT_ERROR_CODES[status] ?? 'web_application', message);
  return { status, body: { error: message } };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, response: EmulatorResponse): void {
  if (res.headersSent || res.destroyed) return;
  const body = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
  res.writeHead(response.status, {
    'content-type': response.raw ? 'application/octet-stream' : 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...response.headers,
  });
  res.end(body);
}

/** Agora Chat refuses a body of the wrong content type (415) and JSON that does not parse (400 json_parse). */
function chatBodyProblem(route: RouteSpec, req: EmulatorRequest): EmulatorResponse | undefined {
  if (req.rawBody.length === 0) return undefined;
  const contentType = String(req.headers['content-type'] ?? '');
  const accepts = route.accepts ?? 'json';
  const expected = { json: 'application/json', form: 'application/x-www-form-urlencoded', multipart: 'multipart/form-data' }[accepts];
  if (!contentType.includes(expected)) return chatError(415, 'web_application', 'Unsupported Media Type.');
  if (accepts === 'json' && typeof req.body === 'string') return chatError(400, 'json_parse', 'Unexpected character.');
  return undefined;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const project = options.project ?? DEV_PROJECT;
  const settings: EmulatorSettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const traffic = new Traffic();
  const servers = new Map<string, { server: Server; url: string; region: string }>();
  let limiter = new SlidingWindowLimiter();

  const state = new EmulatorState();
  const callbacks = createCallbackDispatcher(project, () => state.chatCallbackRules);
  state.chatObserver = callbacks.observe;
  const ctx: EmulatorContext = {
    project,
    state,
    settings,
    traffic,
    listeners: () => [...servers].map(([label, s]) => ({ label, url: s.url })),
    callbackStats: callbacks.stats,
    dropCallbacks: callbacks.drop,
  };

  const reset = () => {
    ctx.state.reset();
    traffic.resetCounters();
    traffic.clearFaults();
    traffic.latencyMs = 0;
    limiter = new SlidingWindowLimiter();
  };

  const router = new Router().add(...controlRoutes(ctx, reset), ...signalingRoutes(ctx), ...chatRoutes(ctx));

  async function gate(route: RouteSpec, req: EmulatorRequest): Promise<EmulatorResponse | undefined> {
    if (route.service === 'signaling') {
      if (req.params.appid !== project.appId) return signalingError(404, 'No project has this app id');
      const auth = checkSignalingAuth(req, project);
      if (!auth.ok) return signalingError(401, auth.message);
      if (auth.uid !== undefined && route.senderParam && req.params[route.senderParam] !== auth.uid) {
        return signalingError(401, 'With token auth a message can only be sent as the uid the token was built for');
      }
    }
    if (route.service === 'chat') {
      if (req.params.org !== project.chatOrg || req.params.app !== project.chatApp) {
        return chatError(404, 'organization_application_not_found', `Could not find application for ${req.params.org ?? ''} from URI: ${req.params.app ?? ''}`);
      }
      const auth = checkChatAuth(req, project, ctx.state.chatTokens);
      if (!auth.ok) return chatError(401, auth.error, auth.message);
      const problem = chatBodyProblem(route, req);
      if (problem) return problem;
    }
    if (route.budget && settings.rateLimits) {
      for (const budget of typeof route.budget === 'string' ? [route.budget] : route.budget) {
        const limit: RateLimit | undefined = (RATE_LIMITS as Record<string, RateLimit>)[budget];
        if (limit && !limiter.allow(`${project.appId}:${budget}`, limit.limit, limit.windowMs)) {
          return errorFor(route.service, 429, route.service === 'chat' ? 'This request has reached API limit.' : 'Too many requests');
        }
      }
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, listener: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const matched = router.match(method, url.pathname);
    const service: RouteService = url.pathname.startsWith('/dev/v2/') ? 'signaling' : url.pathname.startsWith('/_emulator') ? 'control' : 'chat';
    if (raw === undefined) return send(res, errorFor(service, 413, 'The request body is too large'));
    if (!matched) return send(res, errorFor(service, 404, `No such endpoint: ${method} ${url.pathname}`));
    if ('methodMismatch' in matched) return send(res, errorFor(service, 405, `Method ${method} is not allowed here`));

    const { route, params } = matched;
    const request: EmulatorRequest = {
      method,
      path: url.pathname,
      params,
      query: url.searchParams,
      headers: req.headers,
      body: parseBody(raw, req.headers['content-type']),
      rawBody: raw,
      listener,
      region: servers.get(listener)?.region ?? DEFAULT_REGION,
    };
    if (route.service === 'control') return send(res, await route.handler(request));

    traffic.count(route.name, listener);
    if (traffic.latencyMs > 0) await sleep(traffic.latencyMs);
    const fault = traffic.takeFault(route.name, listener);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.reset === 'before') {
      traffic.countStatus(route.name, 0);
      req.socket.destroy();
      return;
    }
    let response: EmulatorResponse;
    if (fault?.status) {
      const injected = fault.body === undefined ? errorFor(route.service, fault.status, 'Injected fault') : { status: fault.status, body: fault.body };
      response = { ...injected, headers: fault.headers ?? {} };
    } else {
      response = (await gate(route, request)) ?? (await route.handler(request));
    }
    if (fault?.reset === 'after') {
      traffic.countStatus(route.name, 0);
      req.socket.destroy();
      return;
    }
    traffic.countStatus(route.name, response.status);
    send(res, response);
  }

  const emulator: Emulator = {
    project,
    get state() {
      return ctx.state;
    },
    traffic,
    settings,
    async listen(opts = {}) {
      const label = opts.label ?? `listener-${servers.size + 1}`;
      if (servers.has(label)) throw new Error(`the emulator already has a listener labelled ${label}`);
      const host = opts.host ?? '127.0.0.1';
      const server = createServer((req, res) => {
        handle(req, res, label).catch((error: unknown) => {
          send(res, { status: 500, body: { error: 'emulator failure', message: error instanceof Error ? error.message : String(error) } });
        });
      });
      // Idle sockets are the client's to close (the Agora client keeps them 30 s): a server that closes
      // first (Node's default is 5 s) races a request sent on the socket as it closes, a call that
      // fails on the wire and is sent again, which the emulator would count once and the client twice.
      server.keepAliveTimeout = 65_000;
      server.on('connection', () => traffic.countConnection(label));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      servers.set(label, { server, url, region: opts.region ?? DEFAULT_REGION });
      return url;
    },
    async closeListener(label) {
      const entry = servers.get(label);
      if (!entry) return;
      servers.delete(label);
      await new Promise<void>((resolve) => {
        entry.server.close(() => resolve());
        entry.server.closeAllConnections();
      });
    },
    listeners: ctx.listeners,
    get url() {
      const first = servers.values().next().value;
      if (!first) throw new Error('the emulator is not listening; call listen() first');
      return first.url;
    },
    routes: () => router.list(),
    async close() {
      await Promise.all([...servers.keys()].map((label) => emulator.closeListener(label)));
    },
  };
  return emulator;
}
