import { request } from 'node:http';
import WebSocket from 'ws';
import { parseServerMessage, type RunStatus, type ServerMessage } from '../../src/protocol/viewerMessages.js';
import { ViewerState } from '../../web/viewerState.js';

export interface TestViewerOptions {
  /** The control token, sent as the socket URL's `token` parameter (as the page does). */
  token?: string;
  /** Extra request headers: an `Origin` as a browser page sends it, or a forged `Host`. */
  headers?: Record<string, string>;
}

/** A test viewer: a real ws client that validates and folds every message the way the browser does. */
export class TestViewer {
  readonly messages: ServerMessage[] = [];
  readonly state = new ViewerState();
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor(url: string, { token, headers }: TestViewerOptions = {}) {
    const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}ws${query}`, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => {
      const message = parseServerMessage(data.toString());
      this.messages.push(message);
      this.state.apply(message);
      this.waiters = this.waiters.filter((w) => !(w.predicate() && (w.resolve(), true)));
    });
  }

  get status(): RunStatus | undefined {
    return this.state.status;
  }

  /** The texts of the notices received so far. */
  notices(): string[] {
    return this.messages.flatMap((m) => (m.type === 'notice' ? [m.message] : []));
  }

  /** Resolves once `predicate` holds after some message (or already holds). */
  until(predicate: () => boolean, what = 'condition', timeoutMs = 20_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ predicate, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** Trials this viewer's reward series stands for (sum of the merged counts) per agent. */
  trialCounts(): Record<string, number> {
    return Object.fromEntries([...this.state.agents].map(([id, a]) => [id, a.trials.count.reduce((s, c) => s + c, 0)]));
  }

  send(text: string | Buffer): void {
    this.ws.send(text);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A real GET to the server on 127.0.0.1 with the given headers (a forged `Host` included): its status and body. */
export function httpGet(port: number, path: string, headers: Record<string, string> = {}, address = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Try a WebSocket upgrade with the given headers: 'open' with the first message it got, or the
 * http status the server refused it with. A refused upgrade never gets a message.
 */
export function tryUpgrade(port: number, headers: Record<string, string>, path = '/ws'): Promise<{ status: number | 'open'; firstMessage?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('message', (data) => {
      resolve({ status: 'open', firstMessage: data.toString() });
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response|closed before the connection/.test(error.message)) reject(error);
    });
  });
}

/** Resolves once `predicate` holds, checking every 10 ms (for server-side state no message announces). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
