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

interface CommandEntry {
  name: string;
  /** One line for the top-level help (the command's own help has its full description). */
  summary: string;
  register: () => Promise<(program: Command) => void>;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'train', summary: 'train a premature and a mature low-rank RNN on one task and print their metrics side by side', register: async () => (await import('./train.js')).registerTrainCommand },
  { name: 'live', summary: 'play a scenario live: agents act, learn and are analysed trial by trial', register: async () => (await import('./live.js')).registerLiveCommand },
  { name: 'replay', summary: 'replay a recording into the analyzer (and the viewer) and print its summary', register: async () => (await import('./replay.js')).registerReplayCommand },
  { name: 'fit', summary: 'cross-validate recurrent networks and cognitive models on a trials CSV; held-out NLL per choice per model', register: async () => (await import('./fit.js')).registerFitCommand },
  { name: 'run', summary: 'the developmental comparison over several seeds: results.json and report.md in the output folder', register: async () => (await import('./runCommand.js')).registerRunCommand },
  { name: 'sweep', summary: 'run a sweep file (scenarios/sweeps/*.json) as cells on this machine, BullMQ workers or SLURM, then reduce them', register: async () => (await import('./sweep.js')).registerSweepCommand },
  { name: 'worker', summary: 'run cells of BullMQ sweeps from Redis, on this machine, until SIGTERM', register: async () => (await import('./worker.js')).registerWorkerCommand },
  { name: 'play', summary: 'serve a task page on 127.0.0.1 for a person to play; each trial is stored in a trials CSV at once', register: async () => (await import('./play.js')).registerPlayCommand },
  { name: 'convert-jspsych', summary: 'convert jsPsych data (CSV or JSON) of the brain-rnn plugins into a trials CSV', register: async () => (await import('./convertJsPsych.js')).registerConvertJsPsychCommand },
  { name: 'export', summary: "write a checkpoint's network as safetensors with PyTorch's names (load it with interop/python/brain_rnn.py)", register: async () => (await import('./export.js')).registerExportCommand },
  { name: 'import', summary: 'turn a safetensors file (PyTorch nn.GRU + Linear, or an exported network) into a checkpoint that scenarios can play', register: async () => (await import('./import.js')).registerImportCommand },
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
