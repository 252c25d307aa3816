/**
 * `brain-rnn sweep FILE [--executor local|bullmq|slurm] [--output-dir DIR]`: run a sweep file's
 * cells (scenarios/sweeps/*.json) and reduce them into the files of the command it stands for;
 * `sweep status DIR`, `sweep cell DIR --index I` (one cell, as a SLURM task runs it) and
 * `sweep reduce DIR`. docs/sweeps.md.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { integerFlag } from './argv.js';

interface SweepFlags {
  executor: string;
  redis?: string;
  prefix: string;
  queue: string;
  workers?: number;
  outputDir?: string;
  retryFailed?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  maxParallel?: number;
  submit: boolean;
  maxCells?: number;
  progress: boolean;
}

async function runSweepCommand(file: string, flags: SweepFlags): Promise<void> {
  const { loadSweepFile } = await import('../sweep/sweepFile.js');
  const { runSweep } = await import('../sweep/runSweep.js');
  const definition = loadSweepFile(file);
  const outputDir = flags.outputDir ?? join('sweep-results', definition.name);
  const executor = await createExecutor(flags, outputDir);
  const outcome = await runSweep(definition, { outputDir, executor, retryFailed: flags.retryFailed, maxCells: flags.maxCells, progress: flags.progress && flags.submit });
  if (flags.executor === 'slurm' && !flags.submit) return;
  reportOutcome(outputDir, outcome.failures, outcome.plan.cells.length, outcome.reduced);
}

async function createExecutor(flags: SweepFlags, outputDir: string) {
  if (flags.executor === 'local') {
    const { LocalExecutor } = await import('../sweep/localExecutor.js');
    return new LocalExecutor({ workers: flags.workers });
  }
  if (flags.executor === 'bullmq') {
    if (!flags.redis) throw new Error('--executor bullmq needs --redis redis://HOST:PORT');
    const { BullmqExecutor } = await import('../sweep/bullmqExecutor.js');
    const { redis, prefix, queue } = flags;
    return new BullmqExecutor({
      redis, prefix, queue,
      onQueued: (count) => process.stderr.write(`queued ${count} cells on ${redis} (${prefix}:${queue}); start workers with: brain-rnn worker --redis ${redis}${prefix === 'brain-rnn' ? '' : ` --prefix ${prefix}`}\n`),
    });
  }
  if (flags.executor === 'slurm') {
    const { SlurmExecutor } = await import('../sweep/slurmExecutor.js');
    const { partition, time, cpusPerTask, mem, maxParallel } = flags;
    return new SlurmExecutor({ outputDir, partition, time, cpusPerTask, mem, maxParallel, noSubmit: !flags.submit, log: (line) => process.stderr.write(`${line}\n`) });
  }
  throw new Error(`--executor must be local, bullmq or slurm, got ${JSON.stringify(flags.executor)}`);
}

function reportOutcome(outputDir: string, failures: string[], total: number, reduced: { summary: string; files: string[] } | undefined): void {
  if (failures.length > 0) {
    for (const failure of failures) process.stderr.write(`failed: ${failure}\n`);
    throw new Error(`${failures.length} of ${total} cells failed (errors kept in ${join(outputDir, 'cells')}); fix the cause and rerun with --retry-failed`);
  }
  if (!reduced) throw new Error(`not every cell of ${outputDir} is done; see brain-rnn sweep status ${outputDir}`);
  process.stdout.write(`${reduced.summary}\n`);
  process.stderr.write(`wrote ${reduced.files.map((f) => join(outputDir, f)).join(' and ')}\n`);
}

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('run a sweep file (scenarios/sweeps/*.json) as cells on this machine, BullMQ workers or SLURM, then reduce them');
  sweep
    .command('run <file>', { isDefault: true })
    .description('run the cells that are not done, then reduce (the default: brain-rnn sweep FILE)')
    .option('--executor <which>', 'local (worker processes here) | bullmq | slurm', 'local')
    .option('--redis <url>', 'bullmq: redis://HOST:PORT the workers also reach')
    .option('--prefix <prefix>', 'bullmq: key prefix of the queue', 'brain-rnn')
    .option('--queue <name>', 'bullmq: queue name', 'cells')
    .option('--partition <name>', 'slurm: partition of the array job')
    .option('--time <limit>', 'slurm: wall-time limit per cell task, e.g. 01:00:00')
    .option('--cpus-per-task <n>', 'slurm: CPUs per cell task (default 1)', integerFlag('cpus-per-task', 1, 1024))
    .option('--mem <size>', 'slurm: memory per cell task, e.g. 4G')
    .option('--max-parallel <n>', 'slurm: at most this many tasks at once (--array=...%N)', integerFlag('max-parallel', 1))
    .option('--no-submit', 'slurm: write DIR/sweep.sbatch and stop (submit it, then brain-rnn sweep reduce DIR)')
    .option('--workers <n>', 'local: worker processes (default: the number of cores)', integerFlag('workers', 1, 1024))
    .option('--output-dir <dir>', 'the sweep folder: sweep.json, cells/, then the reduced files (default sweep-results/<name>)')
    .option('--retry-failed', 'run the failed cells again')
    .option('--max-cells <n>', 'refuse a sweep of more cells than this (default 10000)', integerFlag('max-cells', 1))
    .option('--no-progress', 'no progress bar on stderr')
    .action(runSweepCommand);
  sweep
    .command('status <dir>')
    .description('cells done / running / failed / pending')
    .action(async (dir: string) => {
      const { readPlan, sweepStatus, readCellFailure } = await import('../sweep/sweepFolder.js');
      const plan = readPlan(dir);
      const status = sweepStatus(dir, plan);
      process.stdout.write(`${plan.definition.name} (${plan.definition.kind}): ${status.total} cells: ${status.done} done, ${status.running} running, ${status.failed} failed, ${status.pending} pending\n`);
      plan.cells.forEach((cell, i) => {
        if (status.states[i] === 'failed') process.stdout.write(`failed: cell ${cell.index}: ${readCellFailure(dir, cell)?.error}\n`);
      });
    });
  sweep
    .command('cell <dir>')
    .description('run one cell of a planned sweep folder into DIR/cells/ (what a SLURM array task runs)')
    .requiredOption('--index <i>', 'the cell', integerFlag('index', 0))
    .action(async (dir: string, flags: { index: number }) => {
      const { runCellInFolder } = await import('../sweep/runCellInFolder.js');
      const ok = await runCellInFolder(dir, flags.index, (line) => process.stderr.write(`${line}\n`));
      if (!ok) process.exitCode = 1;
    });
  sweep
    .command('reduce <dir>')
    .description('merge the cells of a sweep folder into the files of its command')
    .action(async (dir: string) => {
      const { reduceSweep } = await import('../sweep/reduceSweep.js');
      const reduced = reduceSweep(dir);
      reportOutcome(dir, [], 0, reduced);
    });
}
