/**
 * The viewer `brain-rnn live` and `brain-rnn replay` start: a hub fed by the run and a server
 * showing it. The flags that choose it (`--no-serve`, `--host`, `--port`) are cli/serveFlags.ts.
 */
import type { ViewerHub, ViewerHubOptions } from './viewerHub.js';
import type { ViewerServer } from './viewerServer.js';

export interface ServeFlags {
  /** False with --no-serve. */
  serve: boolean;
  host: string;
  port: number;
}

export interface Viewer {
  hub: ViewerHub;
  server: ViewerServer;
}

/**
 * Start the viewer unless --no-serve; prints its URL on stderr with the run's control token
 * (`viewer: http://127.0.0.1:8080/?token=…`, the way Jupyter prints its own): whoever opens that
 * address may pause and resume the run, the bare page only watches. Throws (before anything runs)
 * when the port is busy.
 * @example
 * const viewer = await startViewer(flags, { mode: 'live' });
 */
export async function startViewer(flags: ServeFlags, hubOptions: ViewerHubOptions): Promise<Viewer | undefined> {
  if (!flags.serve) return undefined;
  // Loaded here, not at the top: a run without the viewer does not pay for ws and esbuild.
  const [{ ViewerHub }, { startViewerServer }] = await Promise.all([import('./viewerHub.js'), import('./viewerServer.js')]);
  const hub = new ViewerHub(hubOptions);
  const server = await startViewerServer({ hub, host: flags.host, port: flags.port, log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(`viewer: ${server.controlUrl}\n`);
  return { hub, server };
}

/**
 * After the run: with --exit close the viewer at once; otherwise keep serving the final state until
 * Ctrl-C.
 */
export async function finishViewer(viewer: Viewer | undefined, exit: boolean): Promise<void> {
  if (!viewer) return;
  if (exit) return viewer.server.close();
  process.stderr.write(`run finished; the viewer stays at ${viewer.server.controlUrl} (Ctrl-C to quit)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await viewer.server.close();
}
