/**
 * The viewer's socket: connects to the server's `/ws`, validates each message at the boundary
 * (a malformed frame is reported, never applied), and reconnects after a drop; the server sends a
 * fresh snapshot to every new connection. The URL carries the control token, if any
 * (`/ws?token=…`): the server lets only such a socket pause, resume or change speed.
 */
import { parseServerMessage, type ClientMessage, type ServerMessage } from '../src/protocol/viewerMessages.js';

export interface ViewerSocketOptions {
  url: string;
  onMessage: (message: ServerMessage) => void;
  onConnection: (connected: boolean) => void;
  /** Milliseconds before reconnecting (default 1000). */
  retryMs?: number;
}

export interface ViewerSocket {
  send(message: ClientMessage): void;
  close(): void;
}

/**
 * @example
 * const socket = connectViewer({ url: `ws://${location.host}/ws?token=${token}`, onMessage: apply, onConnection: show });
 * socket.send({ type: 'pause', v: 1 });
 */
export function connectViewer({ url, onMessage, onConnection, retryMs = 1000 }: ViewerSocketOptions): ViewerSocket {
  let ws: WebSocket | undefined;
  let closed = false;
  const open = () => {
    ws = new WebSocket(url);
    ws.addEventListener('open', () => onConnection(true));
    ws.addEventListener('message', (event) => {
      let message: ServerMessage;
      try {
        message = parseServerMessage(String(event.data));
      } catch (error) {
        console.error(`viewer: malformed message from the server: ${(error as Error).message}`);
        return;
      }
      onMessage(message);
    });
    ws.addEventListener('close', () => {
      onConnection(false);
      if (!closed) setTimeout(open, retryMs);
    });
  };
  open();
  return {
    send: (message) => {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close: () => {
      closed = true;
      ws?.close();
    },
  };
}
