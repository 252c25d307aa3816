/**
 * The `brain-rnn` command line. Each subcommand lives in its own file and registers itself on the
 * program; this file only collects them and turns errors into one readable line.
 */
import { Command } from 'commander';
import { normalizeFlags } from './argv.js';
import { registerTrainCommand } from './train.js';
import { registerLiveCommand } from './live.js';
import { registerReplayCommand } from './replay.js';
import { registerFitCommand } from './fit.js';
import { registerRunCommand } from './run.js';
import { registerSweepCommand } from './sweep.js';

const program = new Command()
  .name('brain-rnn')
  .description('Low-rank and tiny recurrent networks playing cognitive tasks, trial by trial.')
  .showHelpAfterError();

registerTrainCommand(program);
registerLiveCommand(program);
registerReplayCommand(program);
registerFitCommand(program);
registerRunCommand(program);
registerSweepCommand(program);

try {
  await program.parseAsync(normalizeFlags(process.argv.slice(2)), { from: 'user' });
} catch (error) {
  process.stderr.write(`brain-rnn: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
