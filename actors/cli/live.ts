/**
 * `brain-rnn live SCENARIO [--record FILE] [--seed N] [--exit] [--force] [--no-serve] [--host H]
 * [--port N]`: play a scenario with a progress bar and the live viewer, then print the summary
 * table. Ctrl-C stops the run cleanly (the recording is closed and replayable); after the run the
 * viewer keeps showing the final state until Ctrl-C, unless --exit.
 */
import type { Command } from 'commander';
import { totalmem } from 'node:os';
import { loadScenarioFile } from '../io/scenarioFile.js';
import { DEFAULT_MEMORY_SHARE, parseMemorySize } from '../system/scenarioMemory.js';
import type { ServeFlags } from '../server/serveOptions.js';
import { addServeOptions } from './serveFlags.js';
import { DEFAULT_SNAPSHOT_TRIALS } from '../../src/protocol/recordingSnapshot.js';
import { integerFlag } from './argv.js';

interface LiveFlags extends ServeFlags {
  record?: string;
  seed?: number;
  exit?: boolean;
  force?: boolean;
  /** --max-memory, e.g. "8GB". */
  maxMemory?: string;
  /** --save-models DIR: each network agent's final weights as a checkpoint. */
  saveModels?: string;
  /** --snapshot-trials N: trials per agent between the recording's snapshot lines (0: none). */
  snapshotTrials: number;
}

export function registerLiveCommand(program: Command): void {
  const command = program
    .command('live')
    .description('play a scenario live: agents act, learn and are analysed trial by trial')
    .argument('<scenario>', 'scenario file (scenarios/*.json)')
    .option('--record <file>', 'record every event as NDJSON (gzip when the name ends in .gz)')
    .option('--seed <n>', 'override the scenario seed', integerFlag('seed', 0, 2 ** 31 - 1))
    .option('--force', 'overwrite an existing recording and --save-models checkpoints')
    .option('--exit', 'exit as soon as the run ends')
    .option('--save-models <dir>', "write each network agent's final weights to DIR/<agent id>.json (checkpoints a scenario or `brain-rnn export` can load)")
    .option('--max-memory <size>', "refuse a scenario estimated to need more memory than this (e.g. 8GB; default 60% of this machine's)")
    .option('--snapshot-trials <n>', "with --record: trials per agent between snapshot lines, from which a replay seeks anywhere at once (0: none; writing them folds the run a second time, which costs some of its speed)", integerFlag('snapshot-trials', 0, 1_000_000_000), DEFAULT_SNAPSHOT_TRIALS);
  addServeOptions(command)
    .action(async (path: string, flags: LiveFlags) => {
      const maxMemoryBytes = flags.maxMemory === undefined ? DEFAULT_MEMORY_SHARE * totalmem() : parseMemorySize(flags.maxMemory);
      const scenario = loadScenarioFile(path, flags.seed, { maxMemoryBytes });
      const episodes = scenario.phases.reduce((sum, phase) => sum + phase.episodes, 0);
      const cohorts = scenario.agents.map((agent) => `${agent.id} (${agent.nSessions})`).join(', ');
      process.stderr.write(`live: ${scenario.name}, seed ${scenario.seed}: ${scenario.task.type}, ${episodes} episodes of ${scenario.trialsPerEpisode} trials, agents ${cohorts}\n`);
      // The run system, the viewer and the bar load only now: their import is most of the start,
      // and the line above tells at once what is about to run (or the scenario's error does).
      const [{ runLive }, { finishViewer, startViewer }, { formatSummary }, { default: cliProgress }] = await Promise.all([
        import('../io/liveRun.js'), import('../server/serveOptions.js'), import('../../src/analysis/online/formatSummary.js'), import('cli-progress'),
      ]);
      const viewer = await startViewer(flags, { mode: 'live' });
      const bar = new cliProgress.SingleBar(
        { format: ' {name} |{bar}| {percentage}% | {value}/{total} trials | {rewards}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
        cliProgress.Presets.shades_classic,
      );
      const rewards = new Map<string, string>();
      let started = false;
      let stopOnInterrupt = () => {};
      let result;
      try {
        result = await runLive(scenario, {
          record: flags.record,
          force: flags.force,
          saveModels: flags.saveModels,
          snapshotTrials: flags.snapshotTrials === 0 ? false : flags.snapshotTrials,
          onProgress: (played, total) => {
            if (!started) bar.start(total, 0, { name: scenario.name, rewards: '' });
            started = true;
            bar.update(played, { rewards: [...rewards].map(([id, r]) => `${id} ${r}`).join(' · ') });
          },
          onEvent: viewer && ((event) => viewer.hub.event(event)),
          onAnalysis: (output) => {
            if (output.type === 'metrics.updated') rewards.set(output.agent, `reward ${output.metrics.rolling.rewardRate.toFixed(3)}`);
            viewer?.hub.analysis(output);
          },
          onStart: (system) => {
            stopOnInterrupt = () => system.stop('interrupted');
            process.once('SIGINT', stopOnInterrupt);
            viewer?.hub.setControls({ pause: () => system.pause(), resume: () => system.resume() });
          },
        });
      } catch (error) {
        // A recording that cannot be written ends here: the bar's timer must not keep the process up.
        if (started) bar.stop();
        await viewer?.server.close();
        throw error;
      } finally {
        process.off('SIGINT', stopOnInterrupt);
      }
      viewer?.hub.end(result.status);
      if (started) bar.stop();
      if (result.status === 'failed') {
        await viewer?.server.close();
        if (flags.record) process.stderr.write(`recorded to ${flags.record} (it ends with the run.failed event)\n`);
        throw new Error(result.failure?.summary ?? 'the run failed');
      }
      if (result.status === 'stopped') process.stderr.write(`run stopped after ${result.cursor.trialsPlayed} trials\n`);
      process.stdout.write(formatSummary(result.metrics, scenario.analyzer.recoveryTrials));
      if (flags.record) process.stderr.write(`recorded to ${flags.record}\n`);
      if (flags.saveModels) process.stderr.write(`saved the networks' final weights to ${flags.saveModels}\n`);
      // A run stopped with Ctrl-C means "quit": do not keep serving.
      await finishViewer(viewer, flags.exit === true || result.status !== 'completed');
      if (flags.exit) process.exit(process.exitCode ?? 0);
    });
}
