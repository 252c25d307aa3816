/**
 * The `brain-rnn` command line. Each subcommand lives in its own file and registers itself on the
 * program; this file only collects them and turns errors into one readable line.
 *
 * Only the command that runs is loaded: a command's file imports what it needs (the model code,
 * tfjs, Plot, jsdom), and loading every command's graph took most of a second before anything
 * was printed. The top-level help lists the commands from the table below without loading them.
 */
import { Command } from 'commander';
import { normalizeFlags } from './argv.js';
import { COMMAND_SUMMARIES, type CommandName } from './commandSummaries.js';

interface CommandEntry {
  name: CommandName;
  /** Its line in the top-level help, the same as in its own help (commandSummaries.ts). */
  summary: string;
  register: () => Promise<(program: Command) => void>;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'train', summary: COMMAND_SUMMARIES.train, register: async () => (await import('./train.js')).registerTrainCommand },
  { name: 'live', summary: COMMAND_SUMMARIES.live, register: async () => (await import('./live.js')).registerLiveCommand },
  { name: 'replay', summary: COMMAND_SUMMARIES.replay, register: async () => (await import('./replay.js')).registerReplayCommand },
  { name: 'fit', summary: COMMAND_SUMMARIES.fit, register: async () => (await import('./fit.js')).registerFitCommand },
  { name: 'run', summary: COMMAND_SUMMARIES.run, register: async () => (await import('./runCommand.js')).registerRunCommand },
  { name: 'sweep', summary: COMMAND_SUMMARIES.sweep, register: async () => (await import('./sweep.js')).registerSweepCommand },
  { name: 'worker', summary: COMMAND_SUMMARIES.worker, register: async () => (await import('./worker.js')).registerWorkerCommand },
  { name: 'play', summary: COMMAND_SUMMARIES.play, register: async () => (await import('./play.js')).registerPlayCommand },
  { name: 'convert-jspsych', summary: COMMAND_SUMMARIES['convert-jspsych'], register: async () => (await import('./convertJsPsych.js')).registerConvertJsPsychCommand },
  { name: 'export', summary: COMMAND_SUMMARIES.export, register: async () => (await import('./export.js')).registerExportCommand },
  { name: 'import', summary: COMMAND_SUMMARIES.import, register: async () => (await import('./import.js')).registerImportCommand },
];

const HELP_FLAGS = new Set(['-h', '--help', 'help']);

/**
 * The command a command line names (`brain-rnn fit ...`, `brain-rnn help fit`); `train`, the
 * default command, when it names none (`brain-rnn`, `brain-rnn --task two_stage`); none for the
 * top-level help and for an unknown command.
 */
function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  const [first, second] = args;
  const name = first === 'help' ? second : first;
  const named = COMMANDS.find((entry) => entry.name === name);
  if (named !== undefined) return named;
  const namesNone = first === undefined || (first.startsWith('-') && !args.some((arg) => HELP_FLAGS.has(arg)));
  return namesNone ? COMMANDS.find((entry) => entry.name === 'train') : undefined;
}

const program = new Command()
  .name('brain-rnn')
  .description('Low-rank and tiny recurrent networks playing cognitive tasks, trial by trial.')
  .showHelpAfterError();

try {
  const args = normalizeFlags(process.argv.slice(2));
  const requested = requestedCommand(args);
  if (requested !== undefined) {
    (await requested.register())(program);
  } else {
    // No known command: list them all for help, or let commander report the unknown one.
    for (const entry of COMMANDS) program.command(entry.name).description(entry.summary);
  }
  await program.parseAsync(args, { from: 'user' });
} catch (error) {
  process.stderr.write(`brain-rnn: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
