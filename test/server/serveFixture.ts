import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer, type ViewerServer, type ViewerServerOptions } from '../../actors/server/viewerServer.js';
import { startRun, type RunSystem } from '../../actors/system/startRun.js';
import type { Scenario } from '../../actors/system/scenario.js';
import { tinyScenario } from '../actors/fixtures.js';
import { TestViewer, type TestViewerOptions } from './viewerClient.js';

/** The tiny fixture, long enough (40 + 5 episodes of 20 trials) to join and control it mid-run. */
export const scenario = (): Scenario => tinyScenario({ phases: [{ name: 'train', episodes: 40, learning: true }, { name: 'test', episodes: 5, learning: false }] });
export const TOTAL = 45 * 20;

/** Servers and viewers the tests opened, closed after each test by `closeAll`. */
const servers: ViewerServer[] = [];
const viewers: TestViewer[] = [];

export async function closeAll(): Promise<void> {
  for (const viewer of viewers.splice(0)) viewer.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

/** A real server on 127.0.0.1, any free port, its log lines kept. */
export async function serve(options: Partial<ViewerServerOptions> = {}) {
  const hub = new ViewerHub({ mode: 'live' });
  const logs: string[] = [];
  const server = await startViewerServer({ hub, port: 0, log: (line) => logs.push(line), ...options });
  servers.push(server);
  return { hub, server, logs };
}

export function viewer(server: ViewerServer, options?: TestViewerOptions): TestViewer {
  const v = new TestViewer(server.url, options);
  viewers.push(v);
  return v;
}

/** Ticks at least `ms` apart on the wall clock: the slow-client test needs a run that lasts longer than the drop timeout. */
const slowTicks = (ms: number) => ({ setTimeout: (fn: () => void, delay: number) => setTimeout(fn, Math.max(delay, ms)), clearTimeout: (id: NodeJS.Timeout) => clearTimeout(id) });

/** Start a run that feeds the hub, with the hub's controls wired to it as the CLI wires them. */
export function run(hub: ViewerHub, s: Scenario = scenario(), onProgress?: (played: number) => void, tickMs = 0): RunSystem {
  const system = startRun(s, { onEvent: (e) => hub.event(e), onAnalysis: (output) => hub.analysis(output), onProgress, ...(tickMs > 0 && { clock: slowTicks(tickMs) }) });
  hub.setControls({ pause: () => system.pause(), resume: () => system.resume() });
  void system.done.then((result) => hub.end(result.status));
  return system;
}

export const completed = (v: TestViewer) => () => v.status?.state === 'completed' && v.status.trials === TOTAL && v.state.agents.size === 3 && Object.values(v.trialCounts()).every((n) => n === TOTAL);

/** Start a run that client `c` pauses once 200 trials are played; resolves when `c` sees the pause. */
export async function runPausedBy(c: TestViewer, hub: ViewerHub): Promise<RunSystem> {
  let sent = false;
  const system = run(hub, scenario(), (played) => {
    if (played >= 200 && !sent) {
      sent = true;
      c.send(JSON.stringify({ type: 'pause', v: 1 }));
    }
  });
  await c.until(() => c.status?.state === 'paused', 'paused');
  return system;
}
