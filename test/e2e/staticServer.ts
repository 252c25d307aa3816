/**
 * A static file server for browser tests: 127.0.0.1 at a free port, each URL prefix mapped to a
 * directory (so a page of the repository and a build in a temporary directory sit side by side).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serve `routes` (URL prefix → directory), longest prefix first. */
export async function serveStatic(routes: Record<string, string>): Promise<StaticServer> {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  const server: Server = createServer(async (request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const rest = prefix === undefined ? undefined : normalize(path.slice(prefix.length));
    if (rest === undefined || rest.startsWith('..')) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(routes[prefix!], rest));
      response.writeHead(200, { 'content-type': TYPES[extname(rest)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
