/**
 * Which requests the viewer answers. The threat is another web page in the user's browser, not
 * another user of the machine: a page on any site can open `ws://127.0.0.1:PORT/ws` (WebSockets
 * are not bound by the same-origin policy), and a DNS-rebinding name (`evil.example` re-resolved
 * to 127.0.0.1) even makes its page requests same-origin. The browser reports both truthfully:
 * `Origin` names the page that made the request and `Host` the name it connected to. So the server
 * answers only requests addressed to one of its own names on its own port, from its own page or
 * from no page at all (a command-line client sends no `Origin`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

export interface RequestGuardOptions {
  /** The interface the server is bound to (--host); 0.0.0.0 or :: accept any IP address as a name. */
  host: string;
  /** The port it listens on. */
  port: number;
}

export interface Refusal {
  /** Which header failed: each kind is logged once, then counted. */
  kind: 'host' | 'origin';
  /** For the log, e.g. `Host "evil.example:8080" is not this viewer's address`. */
  message: string;
}

/**
 * Headers every page and script answer carries: never cached, never sniffed; the page's address
 * holds the token, so it is never sent on as a referrer, and no other site may frame the page.
 */
export const PAGE_HEADERS = Object.freeze({
  'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'",
});

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);
/** A Host header (or an Origin's host part): a name, an IPv4 address or a bracketed IPv6 address, and an optional port. */
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

/** A header value for a log line: quoted (escapes control characters) and cut short. */
const quote = (value: string | undefined) => (value === undefined ? 'none' : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value));

/**
 * @example
 * const guard = new RequestGuard({ host: '127.0.0.1', port: 8080 });
 * guard.check({ host: 'evil.example:8080' }); // { kind: 'host', message: 'Host "evil.example:8080" is not …' }
 * guard.check({ host: 'localhost:8080', origin: 'http://localhost:8080' }); // undefined: allowed
 */
export class RequestGuard {
  private readonly names: Set<string>;
  /** Bound to every interface: any IP address names this server (an address cannot be rebound by DNS). */
  private readonly anyAddress: boolean;
  private readonly port: number;

  constructor({ host, port }: RequestGuardOptions) {
    const bound = host.toLowerCase();
    this.anyAddress = WILDCARD_HOSTS.has(bound);
    this.names = new Set(LOOPBACK_NAMES);
    if (!this.anyAddress) this.names.add(isIP(bound) === 6 ? `[${bound}]` : bound);
    this.port = port;
  }

  /** The names this server answers to, for messages. */
  describe(): string {
    return `${[...this.names].join(', ')}${this.anyAddress ? ' or any IP address' : ''} on port ${this.port}`;
  }

  /** Why a request with these headers is refused, or undefined when it is allowed. */
  check(headers: IncomingHttpHeaders): Refusal | undefined {
    const { host, origin } = headers;
    if (host === undefined || !this.isOwnAuthority(host)) {
      return { kind: 'host', message: `Host ${quote(host)} is not this viewer's address (${this.describe()})` };
    }
    if (origin !== undefined) {
      const page = /^http:\/\/([^/]+)$/i.exec(origin);
      if (!page || !this.isOwnAuthority(page[1])) return { kind: 'origin', message: `Origin ${quote(origin)} is not this viewer's page` };
    }
    return undefined;
  }

  private isOwnAuthority(authority: string): boolean {
    const match = AUTHORITY.exec(authority.toLowerCase());
    if (!match) return false;
    // Browsers leave out the default port.
    const [, name, port = '80'] = match;
    if (Number(port) !== this.port) return false;
    return this.names.has(name) || (this.anyAddress && isIP(name.replace(/^\[(.*)\]$/, '$1')) !== 0);
  }
}
