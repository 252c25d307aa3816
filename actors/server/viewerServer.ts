/**
 * The viewer's server: `node:http` serves the page and the bundled viewer, `ws` the socket at
 * `/ws`, both on one port. Every `updateIntervalMs` the hub's changes go out as one batched
 * `update` to each client; a joining client gets a `snapshot` at the next tick instead (so the
 * entries of that tick are neither lost nor counted twice).
 *
 * Sending never waits for a browser, so the run never slows for one. A client is slow when its
 * socket holds more than `maxBufferedBytes` unsent, or when it has not answered a ping for
 * `maxLagMs`: the kernel buffers megabytes on loopback before `bufferedAmount` grows, but a ping
 * sent behind the updates is answered only once the client has read them, so an unanswered ping
 * shows a client that stopped reading long before its buffer fills. A slow client is skipped (it
 * gets a fresh snapshot once it catches up) and dropped after `dropAfterMs` of being slow.
 *
 * Only this viewer's own page (or a command-line client) on one of its own names is answered
 * (requestGuard.ts); only a client that knows the run's token may control it, and a pause dies
 * with the clients that hold it (controlGate.ts). What clients can repeat at will is logged a few
 * times, then counted (boundedLog.ts). docs/viewer-protocol.md "Security" describes the model.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { BoundedLog } from './boundedLog.js';
import { viewerAssets } from './bundleViewer.js';
import { ControlGate, type TokenState } from './controlGate.js';
import { MIN_TOKEN_LENGTH, newControlToken, sameToken } from './controlToken.js';
import { PAGE_HEADERS, RequestGuard } from './requestGuard.js';
import { parseClientMessage, PROTOCOL_VERSION, type NoticeMessage } from '../../src/protocol/viewerMessages.js';
import type { ViewerHub } from './viewerHub.js';

export interface ViewerServerOptions {
  /** The state the viewers are shown. */
  hub: ViewerHub;
  /** Interface to bind (default 127.0.0.1: only this machine). */
  host?: string;
  /** Port (default 8080; 0 = any free port). */
  port?: number;
  /** Milliseconds between batched updates (default 100: about ten per second). */
  updateIntervalMs?: number;
  /** A client with more bytes than this waiting in its socket is skipped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** A client that has not answered a ping for this long is skipped (default 2000 ms). */
  maxLagMs?: number;
  /** A client slow for this long is dropped (default 10 000 ms). */
  dropAfterMs?: number;
  /** The control token (default: 128 random bits from node:crypto, new for each server). */
  token?: string;
  /** Log lines (default: none). */
  log?: (message: string) => void;
}

export interface ViewerServerStats {
  /** Clients connected now. */
  clients: number;
  /** Clients that ever connected. */
  connected: number;
  /** Updates not sent to a slow client (counted per client). */
  skipped: number;
  /** Clients dropped for being too slow. */
  dropped: number;
  /** Client messages ignored as malformed. */
  ignored: number;
  /** Page requests and socket upgrades refused (403) for their Host or Origin. */
  forbidden: number;
  /** Control messages refused for want of a valid token. */
  refusedControls: number;
}

export interface ViewerServer {
  /** The page, read-only: e.g. http://127.0.0.1:8080/ */
  url: string;
  /** The page with the control token, what the CLI prints: e.g. http://127.0.0.1:8080/?token=9f86… */
  controlUrl: string;
  /** The control token. */
  token: string;
  port: number;
  stats(): ViewerServerStats;
  /** Disconnect every client and stop listening. */
  close(): Promise<void>;
}

interface Client {
  id: number;
  token: TokenState;
  needsSnapshot: boolean;
  /** The hub's run generation this client's state belongs to. */
  generation: number;
  /** When the unanswered ping was sent. */
  pingSentAt?: number;
  slowSince?: number;
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new Error(`viewer: port ${port} on ${host} is already in use; pass --port N (--port 0 picks a free port) or --no-serve`);
  if (error.code === 'EACCES') return new Error(`viewer: no permission to listen on ${host}:${port}; pass --port N above 1023`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new Error(`viewer: cannot bind ${host}: no such local address (--host)`);
  return new Error(`viewer: cannot listen on ${host}:${port}: ${error.message}`);
}

/** Answer a refused upgrade with a plain http status and hang up (no WebSocket is created). */
function refuseUpgrade(socket: Duplex, status: 403 | 404): void {
  // The http server stops listening for an upgraded socket's errors (a client that hangs up first).
  socket.on('error', () => socket.destroy());
  const body = status === 403 ? 'forbidden\n' : 'not found\n';
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

/**
 * @example
 * const hub = new ViewerHub({ mode: 'live' });
 * const server = await startViewerServer({ hub, port: 0 });
 * console.log(`viewer at ${server.controlUrl}`);
 */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const {
    hub, host = '127.0.0.1', port = 8080, updateIntervalMs = 100, maxBufferedBytes = 1 << 20, maxLagMs = 2000, dropAfterMs = 10_000,
    token = newControlToken(), log = () => {},
  } = options;
  if (token.length < MIN_TOKEN_LENGTH) throw new Error(`token must be at least ${MIN_TOKEN_LENGTH} characters, got ${token.length}`);
  const assets = await viewerAssets();
  const counters = { connected: 0, skipped: 0, dropped: 0, ignored: 0, forbidden: 0 };
  const clients = new Map<WebSocket, Client>();
  const gate = new ControlGate({ hub, log });
  // What a client can repeat at will is logged a few times, then counted (gate.tick and close cover its own).
  const bounded = {
    malformed: new BoundedLog({ log, what: 'malformed messages ignored' }),
    host: new BoundedLog({ log, burst: 1, what: 'requests refused for their Host' }),
    origin: new BoundedLog({ log, burst: 1, what: 'requests refused for their Origin' }),
    wrongToken: new BoundedLog({ log, burst: 1, what: 'clients connected with a wrong token' }),
    gate,
  };
  // Set once the port is known; nothing is answered before.
  let guard!: RequestGuard;
  /** Whether a request may be answered; a refused one is counted and logged boundedly. */
  const allowed = (request: IncomingMessage, what: string): boolean => {
    const refusal = guard.check(request.headers);
    if (!refusal) return true;
    counters.forbidden += 1;
    bounded[refusal.kind].report(`viewer: refused a ${what}: ${refusal.message}`, refusal.message, performance.now());
    return false;
  };

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, ...PAGE_HEADERS });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (!allowed(request, 'page request')) return send(403, 'text/plain', 'forbidden\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', assets.html);
    if (path === '/viewer.js') return send(200, 'text/javascript; charset=utf-8', assets.script);
    if (path === '/favicon.ico') {
      response.writeHead(204);
      return response.end();
    }
    return send(404, 'text/plain', 'not found\n');
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://viewer');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404);
    if (!allowed(request, 'socket')) return refuseUpgrade(socket, 403);
    const given = url.searchParams.get('token');
    const tokenState: TokenState = given === null ? 'none' : sameToken(given, token) ? 'valid' : 'wrong';
    sockets.handleUpgrade(request, socket, head, (ws) => accept(ws, tokenState));
  });

  const notify = (ws: WebSocket, text: string) => {
    const message: NoticeMessage = { type: 'notice', v: PROTOCOL_VERSION, message: text };
    ws.send(JSON.stringify(message));
  };

  const accept = (ws: WebSocket, tokenState: TokenState) => {
    const client: Client = { id: ++counters.connected, token: tokenState, needsSnapshot: true, generation: hub.generation };
    clients.set(ws, client);
    log(`viewer: client ${client.id} connected${tokenState === 'valid' ? ' (may control the run)' : ''}`);
    if (tokenState === 'wrong') {
      bounded.wrongToken.report(`viewer: client ${client.id} gave a wrong control token: viewing only`, `client ${client.id}`, performance.now());
      notify(ws, ControlGate.wrongTokenNotice());
    }
    ws.on('message', (data, isBinary) => {
      const parsed = isBinary ? { ok: false as const, reason: 'binary frame' } : parseClientMessage(data.toString());
      if (parsed.ok) {
        const notice = gate.control(client, parsed.message, performance.now());
        if (notice !== undefined) notify(ws, notice);
        return;
      }
      counters.ignored += 1;
      bounded.malformed.report(`viewer: ignored a malformed message from client ${client.id} (${parsed.reason})`, `client ${client.id}: ${parsed.reason}`, performance.now());
    });
    ws.on('pong', () => {
      client.pingSentAt = undefined;
    });
    ws.on('error', (error) => log(`viewer: client ${client.id}: ${error.message}`));
    ws.on('close', () => {
      clients.delete(ws);
      log(`viewer: client ${client.id} disconnected`);
      gate.left(client);
    });
  };
  sockets.on('error', (error) => log(`viewer: ${error.message}`));

  const flush = () => {
    const update = hub.takeUpdate();
    const updateText = update && JSON.stringify(update);
    let snapshotText: string | undefined;
    const now = performance.now();
    for (const entry of Object.values(bounded)) entry.tick(now);
    for (const [ws, client] of clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (client.generation !== hub.generation) {
        // A new run began: the agents changed, so deltas would not apply to what this client holds.
        client.generation = hub.generation;
        client.needsSnapshot = true;
      }
      if (client.pingSentAt === undefined) {
        client.pingSentAt = now;
        ws.ping();
      }
      const pending = updateText !== undefined || client.needsSnapshot;
      if (ws.bufferedAmount > maxBufferedBytes || now - client.pingSentAt > maxLagMs) {
        client.slowSince ??= now;
        if (now - client.slowSince > dropAfterMs) {
          counters.dropped += 1;
          log(`viewer: dropped client ${client.id} (not reading for ${Math.round(now - client.slowSince)} ms, ${ws.bufferedAmount} bytes unsent)`);
          ws.terminate();
          clients.delete(ws);
        } else if (pending) {
          counters.skipped += 1;
          client.needsSnapshot = true;
        }
        continue;
      }
      client.slowSince = undefined;
      if (client.needsSnapshot) {
        snapshotText ??= JSON.stringify(hub.snapshot());
        ws.send(snapshotText);
        client.needsSnapshot = false;
      } else if (updateText) {
        ws.send(updateText);
      }
    }
  };
  const timer = setInterval(flush, updateIntervalMs);
  timer.unref();

  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    clearInterval(timer);
    sockets.close();
    throw listenError(error as NodeJS.ErrnoException, host, port);
  }
  const bound = (http.address() as AddressInfo).port;
  guard = new RequestGuard({ host, port: bound });
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${bound}/`;

  let closing: Promise<void> | undefined;
  return {
    url,
    controlUrl: `${url}?token=${encodeURIComponent(token)}`,
    token,
    port: bound,
    stats: () => ({ clients: clients.size, ...counters, refusedControls: gate.refused }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        const now = performance.now();
        for (const entry of Object.values(bounded)) entry.close(now);
        for (const ws of clients.keys()) ws.terminate();
        clients.clear();
        sockets.close();
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return closing;
    },
  };
}
