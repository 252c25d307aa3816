/**
 * `brain-rnn replay FILE [--speed X]`: re-emit a recording through the bus to a fresh analyzer
 * (no agent is recomputed) and print the same summary table as the live run.
 */
import type { Command } from 'commander';
import { runReplay } from '../replayRun.js';
import { formatSummary } from '../summary.js';
import { positiveNumberFlag } from './argv.js';

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('replay a recording into the analyzer and print its summary')
    .argument('<file>', 'recording written by `brain-rnn live --record`')
    .option('--speed <x>', 'times the recorded pace ("max": as fast as possible)', positiveNumberFlag('speed'), Infinity)
    .action(async (path: string, flags: { speed: number }) => {
      const result = await runReplay(path, { speed: flags.speed, warn: (message) => process.stderr.write(`warning: ${message}\n`) });
      process.stderr.write(`replayed ${result.events} events of ${result.header.scenario && result.scenario.name} (seed ${result.header.seed}, ${result.header.backend})\n`);
      process.stdout.write(formatSummary(result.metrics, result.scenario.analyzer.recoveryTrials));
    });
}
