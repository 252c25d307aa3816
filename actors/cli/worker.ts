/**
 * `brain-rnn worker --redis redis://HOST:PORT [--concurrency N]`: take cells of BullMQ sweeps
 * (`brain-rnn sweep FILE --executor bullmq`) off Redis until stopped; SIGTERM or Ctrl-C finishes
 * the cells in hand first. docs/sweeps.md.
 */
import type { Command } from 'commander';
import { integerFlag } from './argv.js';

interface WorkerFlags {
  redis: string;
  concurrency: number;
  prefix: string;
  queue: string;
  lockSeconds: number;
  verbose?: boolean;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run cells of BullMQ sweeps from Redis, on this machine, until SIGTERM')
    .requiredOption('--redis <url>', 'redis://HOST:PORT of the coordinator\'s Redis')
    .option('--concurrency <n>', 'cells at once, each in its own process', integerFlag('concurrency', 1, 1024), 1)
    .option('--prefix <prefix>', 'key prefix of the queue (as given to brain-rnn sweep)', 'brain-rnn')
    .option('--queue <name>', 'queue name (as given to brain-rnn sweep)', 'cells')
    .option('--lock-seconds <s>', 'job lock duration: how soon a killed worker\'s cell goes to another', integerFlag('lock-seconds', 1, 3600), 30)
    .option('--verbose', 'also log the queue\'s events (jobs taken, finished, stalled; lock renewals that failed; the queue drained) and the Redis connections\' closes and reconnects, with times')
    .action(async (flags: WorkerFlags) => {
      const { startSweepWorker } = await import('../sweep/bullmqWorker.js');
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const worker = await startSweepWorker({ redis: flags.redis, concurrency: flags.concurrency, prefix: flags.prefix, queue: flags.queue, lockSeconds: flags.lockSeconds, verbose: flags.verbose, log });
      const leave = () => {
        log('finishing the cells in hand, then leaving');
        void worker.stop();
      };
      process.once('SIGTERM', leave);
      process.once('SIGINT', leave);
      process.exitCode = await worker.stopped;
    });
}
