/**
 * The viewer's cost to the simulation (issue 4, quality bar: ≥ 0.9×): the frozen actor-pipeline
 * workload run alone and with the viewer attached (hub fed by the run, server on a free loopback
 * port, one ws client reading every message), alternating so drift hits both equally.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { ViewerHub } from '../../actors/server/viewerHub.js';
import { startViewerServer } from '../../actors/server/viewerServer.js';
import { startRun } from '../../actors/system/startRun.js';
import { workloadScenario, type WorkloadResult } from './actorPipelineWorkload.js';
import { median } from './interleaved.js';

export interface ViewerOverheadOptions {
  /** Sessions played together (default 64). */
  agents?: number;
  /** Trials per run (default 4000: several update intervals long). */
  trials?: number;
  /** Timed runs of each kind after one warm-up of each (default 5). */
  repeats?: number;
}

export interface ViewerOverheadResult {
  without: WorkloadResult;
  with: WorkloadResult;
  /** with / without throughput (goal ≥ 0.9). */
  ratio: number;
  /** The same ratio from the fastest run of each (a reference on a shared host). */
  fastestRatio: number;
  /** Messages the client received over the timed runs with the viewer. */
  messages: number;
}


async function timedRun(agents: number, trials: number, seed: number, hub?: ViewerHub): Promise<number> {
  const scenario = workloadScenario(agents, trials, seed);
  const start = performance.now();
  const result = await startRun(scenario, hub && { onEvent: (e) => hub.event(e), onAnalysis: (output) => hub.analysis(output) }).done;
  if (result.status !== 'completed') throw new Error(`bench run ended ${result.status}: ${result.failure?.summary ?? ''}`);
  hub?.end('completed');
  return (performance.now() - start) / 1000;
}

/**
 * @example
 * const { ratio } = await runViewerOverheadWorkload({ agents: 64, trials: 4000, repeats: 5 });
 */
export async function runViewerOverheadWorkload({ agents = 64, trials = 4000, repeats = 5 }: ViewerOverheadOptions = {}): Promise<ViewerOverheadResult> {
  const hub = new ViewerHub({ mode: 'live' });
  const server = await startViewerServer({ hub, port: 0 });
  const client = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  let messages = 0;
  client.on('message', (data) => {
    JSON.parse(data.toString());
    messages += 1;
  });
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const alone: number[] = [];
  const viewed: number[] = [];
  try {
    for (let run = 0; run < repeats + 1; run++) {
      if (run === 1) messages = 0;
      const a = await timedRun(agents, trials, 2 + run);
      const b = await timedRun(agents, trials, 2 + run, hub);
      if (run > 0) {
        alone.push(a);
        viewed.push(b);
      }
    }
  } finally {
    client.terminate();
    await server.close();
  }
  if (server.stats().dropped > 0) throw new Error('the bench viewer was dropped as too slow');
  const result = (times: number[]): WorkloadResult => ({ trial_steps_per_s: (agents * trials) / median(times), median_run_s: median(times) });
  const without = result(alone);
  const withViewer = result(viewed);
  return { without, with: withViewer, ratio: withViewer.trial_steps_per_s / without.trial_steps_per_s, fastestRatio: Math.min(...alone) / Math.min(...viewed), messages };
}
