/**
 * The serving flags `brain-rnn live` and `brain-rnn replay` share (`--no-serve`, `--host`,
 * `--port`) and the viewer they start: a hub fed by the run and a server showing it.
 */
import type { Command } from 'commander';
import { integerFlag } from '../cli/argv.js';
import { ViewerHub, type ViewerHubOptions } from './viewerHub.js';
import { startViewerServer, type ViewerServer } from './viewerServer.js';

export interface ServeFlags {
  /** False with --no-serve. */
  serve: boolean;
  host: string;
  port: number;
}

/** Add --no-serve, --host and --port to a command. */
export function addServeOptions(command: Command): Command {
  return command
    .option('--no-serve', 'do not serve the live viewer')
    .option('--host <address>', 'interface the viewer binds (0.0.0.0: every interface)', '127.0.0.1')
    .option('--port <n>', 'viewer port (0: any free port)', integerFlag('port', 0, 65535), 8080);
}

export interface Viewer {
  hub: ViewerHub;
  server: ViewerServer;
}

/**
 * Start the viewer unless --no-serve; prints its URL on stderr. Throws (before anything runs) when
 * the port is busy.
 * @example
 * const viewer = await startViewer(flags, { mode: 'live' });
 */
export async function startViewer(flags: ServeFlags, hubOptions: ViewerHubOptions): Promise<Viewer | undefined> {
  if (!flags.serve) return undefined;
  const hub = new ViewerHub(hubOptions);
  const server = await startViewerServer({ hub, host: flags.host, port: flags.port, log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`viewer: ${server.url}\n`);
  return { hub, server };
}

/**
 * After the run: with --exit close the viewer at once; otherwise keep serving the final state until
 * Ctrl-C.
 */
export async function finishViewer(viewer: Viewer | undefined, exit: boolean): Promise<void> {
  if (!viewer) return;
  if (exit) return viewer.server.close();
  process.stderr.write(`run finished; the viewer stays at ${viewer.server.url} (Ctrl-C to quit)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await viewer.server.close();
}
