/**
 * Who may control the run, and the pauses they hold. A control message (pause, resume, speed)
 * reaches the hub only from a client whose socket URL carried the run's token; any other is
 * refused with a notice and changes nothing. A pause belongs to the clients that asked for it:
 * when the last of them leaves without resuming, nobody else can lift it (the page that paused
 * was closed, a script paused and died), so the run resumes instead of waiting for good.
 */
import { BoundedLog } from './boundedLog.js';
import type { ViewerHub } from './viewerHub.js';
import { PROTOCOL_VERSION, type ClientMessage } from '../../src/protocol/viewerMessages.js';

/** What a client's socket URL said about the token: none or wrong (viewing only), valid (may control). */
export type TokenState = 'none' | 'wrong' | 'valid';

/** The part of a connected client the gate looks at. */
export interface ControllingClient {
  id: number;
  token: TokenState;
}

export interface ControlGateOptions {
  hub: ViewerHub;
  log: (line: string) => void;
}

const TOKEN_ADVICE = 'open the URL the command printed (it ends in ?token=…)';

/**
 * @example
 * const gate = new ControlGate({ hub, log });
 * const notice = gate.control(client, { type: 'pause', v: 1 }); // undefined when applied
 * gate.left(client); // resumes the run if this client held the last pause
 */
export class ControlGate {
  /** Control messages refused for want of a valid token. */
  refused = 0;
  private readonly hub: ViewerHub;
  private readonly log: (line: string) => void;
  private readonly refusals: BoundedLog;
  /** Clients whose pause holds the run now. */
  private readonly pauseHolders = new Set<ControllingClient>();

  constructor({ hub, log }: ControlGateOptions) {
    this.hub = hub;
    this.log = log;
    this.refusals = new BoundedLog({ log, burst: 1, what: 'control messages refused without a valid token' });
  }

  /** The notice a client that gave a wrong token gets when it connects. */
  static wrongTokenNotice(): string {
    return `the control token in this page's address is wrong: viewing only; ${TOKEN_ADVICE}`;
  }

  /** Apply one client's control message; returns the notice to send back when it is refused or cannot be applied. */
  control(client: ControllingClient, message: ClientMessage, now: number): string | undefined {
    if (client.token !== 'valid') {
      this.refused += 1;
      const why = client.token === 'none' ? 'this viewer has no control token' : 'the control token is wrong';
      this.refusals.report(`viewer: refused ${message.type} from client ${client.id}: ${why}`, `client ${client.id}: ${message.type}, ${why}`, now);
      return `${message.type}: refused: ${why}; ${TOKEN_ADVICE}`;
    }
    try {
      const notice = this.hub.control(message);
      if (notice !== undefined) return notice;
      if (message.type === 'pause') this.pauseHolders.add(client);
      if (message.type === 'resume') this.pauseHolders.clear();
    } catch (error) {
      this.log(`viewer: control ${message.type} from client ${client.id} failed: ${(error as Error).message}`);
    }
    return undefined;
  }

  /** A client left: if it held the last pause, the run resumes. */
  left(client: ControllingClient): void {
    if (!this.pauseHolders.delete(client) || this.pauseHolders.size > 0 || this.hub.runStatus().state !== 'paused') return;
    try {
      if (this.hub.control({ type: 'resume', v: PROTOCOL_VERSION }) === undefined) this.log(`viewer: client ${client.id} left while holding a pause: the run resumes`);
    } catch (error) {
      this.log(`viewer: resuming after client ${client.id} left failed: ${(error as Error).message}`);
    }
  }

  tick(now: number): void {
    this.refusals.tick(now);
  }

  close(now: number): void {
    this.refusals.close(now);
  }
}
