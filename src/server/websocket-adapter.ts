/**
 * graphql-ws's protocol server (`makeServer`) on `ws` sockets, as graphql-ws's own `use/ws` adapter
 * does, with what each socket holds made small, since an idle subscriber is mostly what its socket keeps:
 * - a message is handed on synchronously: graphql-ws's adapter awaits each message's handling in an
 *   async listener, which for a subscribe message lasts as long as the subscription and so keeps the
 *   message's raw Buffer and its text (about 0.4 KB a subscriber);
 * - one keep-alive sweep for all sockets, not a timer (and a pong listener) per socket: every
 *   `keepAliveMs` each socket is pinged, and one that did not answer the previous ping is terminated;
 * - one sweep for the sockets that must close at a time (a token's expiry; no `connection_init` within
 *   `connectionInitWaitTimeout`), checked every second (or at the init timeout, when shorter), not a timer
 *   per socket: graphql-ws's own init timer, even once cleared, stays referenced for the socket's life.
 */
import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger.ts';

/**
 * What graphql-ws keeps beside each socket's context. Not the upgrade request, which graphql-ws's own
 * adapter keeps there (with its headers, raw and parsed, about 1 KB a socket): the client's address is
 * all of it the gateway reads afterwards.
 */
export interface SocketExtra {
  socket: WebSocket;
  clientAddress: string | undefined;
}

export interface WebSocketAdapter {
  /** Closes `socket` with `code` once `at` (epoch ms) has passed, within a second. */
  closeAt(socket: WebSocket, at: number, code: number, reason: string): void;
  /** Closes every socket with 1001 (going away) and stops the sweeps. */
  dispose(): Promise<void>;
}

/** How often sockets with a deadline are checked, at most. */
const DEADLINE_SWEEP_MS = 1_000;
/** graphql-ws's default wait for `connection_init`. */
const DEFAULT_INIT_WAIT_MS = 3_000;

/** The socket that graphql-ws's protocol server talks to: methods on a prototype, not closures per socket. */
class ProtocolOverWs implements ProtocolSocket {
  private readonly ws: WebSocket;
  private readonly logger: Logger;

  constructor(ws: WebSocket, logger: Logger) {
    this.ws = ws;
    this.logger = logger;
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  send(data: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState !== this.ws.OPEN) return resolve();
      this.ws.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
    // Bound once per socket: a subscribe message's handling lasts as long as its subscription, and a
    // closure per message (and its context) would be held that long.
    const failed = this.failed.bind(this);
    this.ws.on('message', (data) => void this.handle?.(String(data)).catch(failed));
  }

  private handle: ((data: string) => Promise<void>) | undefined;

  private failed(error: unknown): void {
    this.logger.error({ err: error }, 'a WebSocket message could not be handled');
    this.ws.close(CloseCode.InternalServerError, 'Internal server error');
  }
}

/** Sockets pinged and not heard from since: terminated at the next sweep. */
function answered(this: WebSocket): void {
  awaitingPong.delete(this);
}
const awaitingPong = new WeakSet<WebSocket>();

export function serveGraphQLOverWebSocket<P extends Record<string, unknown>>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  settings: { keepAliveMs: number; logger: Logger },
): WebSocketAdapter {
  const { logger } = settings;
  const initWaitMs = options.connectionInitWaitTimeout ?? DEFAULT_INIT_WAIT_MS;
  const waitsForInit = initWaitMs > 0 && Number.isFinite(initWaitMs);
  const server = makeServer({
    ...options,
    // The wait for connection_init is this adapter's deadline sweep; its arrival ends the wait.
    connectionInitWaitTimeout: Infinity,
    onConnect(ctx) {
      awaitingInit.delete(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  wss.options.handleProtocols = handleProtocols;
  const deadlines = new Map<WebSocket, { at: number; code: number; reason: string }>();
  /** Sockets that have not sent connection_init yet, and when they must have. */
  const awaitingInit = new Map<WebSocket, number>();

  wss.on('connection', (ws, request) => {
    // `on`, not `once`: a once listener is a wrapper closure per socket (ws emits close once anyway).
    ws.on('error', onSocketError);
    ws.on('pong', answered);
    if (waitsForInit) awaitingInit.set(ws, Date.now() + initWaitMs);
    const closed = server.opened(new ProtocolOverWs(ws, logger), { socket: ws, clientAddress: request.socket.remoteAddress });
    ws.on('close', (code, reason) => {
      deadlines.delete(ws);
      awaitingInit.delete(ws);
      void closed(code, String(reason));
    });
  });

  function onSocketError(this: WebSocket, error: Error): void {
    logger.warn({ err: error }, 'a WebSocket failed');
    this.close(CloseCode.InternalServerError, 'Internal server error');
  }

  const keepAlive =
    settings.keepAliveMs > 0 && Number.isFinite(settings.keepAliveMs)
      ? setInterval(() => {
          for (const ws of wss.clients) {
            if (ws.readyState !== ws.OPEN) continue;
            if (awaitingPong.has(ws)) {
              ws.terminate();
              continue;
            }
            awaitingPong.add(ws);
            ws.ping();
          }
        }, settings.keepAliveMs)
      : undefined;
  keepAlive?.unref();

  const deadlineSweep = setInterval(
    () => {
      if (deadlines.size === 0 && awaitingInit.size === 0) return;
      const now = Date.now();
      for (const [ws, at] of awaitingInit) {
        if (at > now) continue;
        awaitingInit.delete(ws);
        ws.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
      }
      for (const [ws, deadline] of deadlines) {
        if (deadline.at > now) continue;
        deadlines.delete(ws);
        ws.close(deadline.code, deadline.reason);
      }
    },
    waitsForInit ? Math.min(DEADLINE_SWEEP_MS, initWaitMs) : DEADLINE_SWEEP_MS,
  );
  deadlineSweep.unref();

  return {
    closeAt(ws, at, code, reason) {
      deadlines.set(ws, { at, code, reason });
    },
    async dispose() {
      clearInterval(keepAlive);
      clearInterval(deadlineSweep);
      for (const ws of wss.clients) ws.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
