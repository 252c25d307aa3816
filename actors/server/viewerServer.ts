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
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { viewerAssets } from './bundleViewer.js';
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
}

export interface ViewerServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  stats(): ViewerServerStats;
  /** Disconnect every client and stop listening. */
  close(): Promise<void>;
}

interface Client {
  id: number;
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

/**
 * @example
 * const hub = new ViewerHub({ mode: 'live' });
 * const server = await startViewerServer({ hub, port: 0 });
 * console.log(`viewer at ${server.url}`);
 */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const {
    hub, host = '127.0.0.1', port = 8080, updateIntervalMs = 100, maxBufferedBytes = 1 << 20, maxLagMs = 2000, dropAfterMs = 10_000, log = () => {},
  } = options;
  const assets = await viewerAssets();
  const counters = { connected: 0, skipped: 0, dropped: 0, ignored: 0 };
  const clients = new Map<WebSocket, Client>();

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', assets.html);
    if (path === '/viewer.js') return send(200, 'text/javascript; charset=utf-8', assets.script);
    if (path === '/favicon.ico') {
      response.writeHead(204);
      return response.end();
    }
    return send(404, 'text/plain', 'not found\n');
  });
  const sockets = new WebSocketServer({ server: http, path: '/ws', maxPayload: 64 * 1024 });

  sockets.on('connection', (ws: WebSocket) => {
    const client: Client = { id: ++counters.connected, needsSnapshot: true, generation: hub.generation };
    clients.set(ws, client);
    log(`viewer: client ${client.id} connected`);
    ws.on('message', (data, isBinary) => {
      const parsed = isBinary ? { ok: false as const, reason: 'binary frame' } : parseClientMessage(data.toString());
      if (!parsed.ok) {
        counters.ignored += 1;
        log(`viewer: ignored a malformed message from client ${client.id} (${parsed.reason})`);
        return;
      }
      try {
        const notice = hub.control(parsed.message);
        if (notice !== undefined) {
          const message: NoticeMessage = { type: 'notice', v: PROTOCOL_VERSION, message: notice };
          ws.send(JSON.stringify(message));
        }
      } catch (error) {
        log(`viewer: control ${parsed.message.type} from client ${client.id} failed: ${(error as Error).message}`);
      }
    });
    ws.on('pong', () => {
      client.pingSentAt = undefined;
    });
    ws.on('error', (error) => log(`viewer: client ${client.id}: ${error.message}`));
    ws.on('close', () => {
      clients.delete(ws);
      log(`viewer: client ${client.id} disconnected`);
    });
  });
  let listening = false;
  // Before listening, the http server's own error (a busy port) is re-emitted here: reported once, below.
  sockets.on('error', (error) => {
    if (listening) log(`viewer: ${error.message}`);
  });

  const flush = () => {
    const update = hub.takeUpdate();
    const updateText = update && JSON.stringify(update);
    let snapshotText: string | undefined;
    const now = performance.now();
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
  listening = true;
  const bound = (http.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}/`,
    port: bound,
    stats: () => ({ clients: clients.size, ...counters }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(timer);
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
