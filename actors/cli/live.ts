/**
 * `brain-rnn live SCENARIO [--record FILE] [--seed N] [--exit] [--force]`: play a scenario with a
 * progress bar, then print the summary table. Ctrl-C stops the run cleanly (the recording is
 * closed and replayable).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { runLive, loadScenarioFile } from '../liveRun.js';
import { formatSummary } from '../summary.js';
import { integerFlag } from './argv.js';

interface LiveFlags {
  record?: string;
  seed?: number;
  exit?: boolean;
  force?: boolean;
}

export function registerLiveCommand(program: Command): void {
  program
    .command('live')
    .description('play a scenario live: agents act, learn and are analysed trial by trial')
    .argument('<scenario>', 'scenario file (scenarios/*.json)')
    .option('--record <file>', 'record every event as NDJSON (gzip when the name ends in .gz)')
    .option('--seed <n>', 'override the scenario seed', integerFlag('seed', 0, 2 ** 31 - 1))
    .option('--force', 'overwrite an existing recording')
    .option('--exit', 'exit as soon as the run ends')
    .action(async (path: string, flags: LiveFlags) => {
      const scenario = loadScenarioFile(path, flags.seed);
      const bar = new cliProgress.SingleBar(
        { format: ' {name} |{bar}| {percentage}% | {value}/{total} trials | {rewards}', hideCursor: true, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
        cliProgress.Presets.shades_classic,
      );
      const rewards = new Map<string, string>();
      let started = false;
      const result = await runLive(scenario, {
        record: flags.record,
        force: flags.force,
        onProgress: (played, total) => {
          if (!started) bar.start(total, 0, { name: scenario.name, rewards: '' });
          started = true;
          bar.update(played, { rewards: [...rewards].map(([id, r]) => `${id} ${r}`).join(' · ') });
        },
        onMetrics: ({ agent, metrics }) => rewards.set(agent, `reward ${metrics.rolling.rewardRate.toFixed(3)}`),
        onStart: (system) => {
          process.once('SIGINT', () => system.stop('interrupted'));
        },
      });
      if (started) bar.stop();
      if (result.status === 'failed') throw result.error instanceof Error ? result.error : new Error(String(result.error));
      if (result.status === 'stopped') process.stderr.write(`run stopped after ${result.cursor.trialsPlayed} trials\n`);
      process.stdout.write(formatSummary(result.metrics, scenario.analyzer.recoveryTrials));
      if (flags.record) process.stderr.write(`recorded to ${flags.record}\n`);
      if (flags.exit) process.exit(process.exitCode ?? 0);
    });
}
