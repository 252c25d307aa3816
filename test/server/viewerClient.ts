import WebSocket from 'ws';
import { parseServerMessage, type RunStatus, type ServerMessage } from '../../src/protocol/viewerMessages.js';
import { ViewerState } from '../../web/viewerState.js';

/** A test viewer: a real ws client that validates and folds every message the way the browser does. */
export class TestViewer {
  readonly messages: ServerMessage[] = [];
  readonly state = new ViewerState();
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(`${url.replace(/^http/, 'ws')}ws`);
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
