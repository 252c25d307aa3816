/**
 * Replay memory check: record a long run (1,000,000 trial events by default, one session per
 * trial event, a Q-learner so that recording is quick), then replay it into the analyzer while
 * sampling the resident set size. The replay streams the file line by line, so the peak should
 * stay far below the recording's size.
 */
import { existsSync, statSync } from 'node:fs';
import { runLive } from '../../actors/io/liveRun.js';
import { runReplay } from '../../actors/io/replayRun.js';
import { parseScenario } from '../../actors/system/scenario.js';

export interface ReplayMemoryResult {
  trials: number;
  fileBytes: number;
  replayedEvents: number;
  peakRssMb: number;
  replaySeconds: number;
}

/**
 * @example
 * const { peakRssMb } = await measureReplayMemory('/tmp/million.ndjson.gz');
 */
export async function measureReplayMemory(path: string, { trials = 1_000_000, trialsPerEpisode = 1000 } = {}): Promise<ReplayMemoryResult> {
  if (!existsSync(path)) {
    const scenario = parseScenario({
      name: 'replay-memory', seed: 1, task: { type: 'reversal', options: {} }, trialsPerEpisode,
      agents: [{ id: 'q', nSessions: 1, model: { kind: 'cognitive', model: 'q_learning', parameters: { alpha: 0.4, beta: 5, kappa: 0 } } }],
      phases: [{ name: 'play', episodes: Math.ceil(trials / trialsPerEpisode), learning: false }],
      run: { trialsPerTick: 5000 },
    });
    await runLive(scenario, { record: path });
  }
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  let count = 0;
  const result = await runReplay(path, {
    onAnalysis: () => {
      if (++count % 100 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    trials: result.metrics[0]?.phases[0]?.trials ?? 0, fileBytes: statSync(path).size, replayedEvents: result.events,
    peakRssMb: peak / 2 ** 20, replaySeconds: (performance.now() - start) / 1000,
  };
}
