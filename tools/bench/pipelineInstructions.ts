/**
 * The actor pipeline's cost in instructions rather than seconds: `npx tsx
 * tools/bench/pipelineInstructions.ts` counts, with valgrind's callgrind, the instructions one run of
 * the online workload (64 agents × 1000 trials) executes through the actor pipeline and through the
 * plain batched loop, and prints their ratio. On a shared VM the time ratio of the two ranged over
 * 0.36-0.73 within one morning (docs/benchmarks.md); an instruction count does not depend
 * on what else the host runs, so this tells whether a change to the pipeline made it do less work,
 * even on a busy machine, and the four counting processes may run at the same time.
 *
 * Each loop is counted in two processes, one playing `low` runs and one `high`; the difference
 * divided by `high − low` is the cost of one run alone, without start-up, module loading and the
 * compilation of the first runs. V8 runs with `--predictable` (no helper threads, no time-based
 * heuristics). Per-run counts still differ by up to 5% between processes, for the plain loop as
 * much as for the pipeline, but the two move together: five measurements of the ratio gave
 * 0.63-0.67 (2026-12-02). Compare versions by
 * the ratio, with the same `low` and `high`, and started at the same time. It is not a timing: an
 * instruction of the SIMD kernel and one of the actors' JavaScript need not take the same time.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkInteger, ConfigError } from '../../src/validation.js';

const VALGRIND = '/usr/bin/valgrind';

export type CountedLoop = 'pipeline' | 'plain';

export interface PipelineInstructions {
  /** Instructions of one run of 64 × 1000 trial-steps through the actor pipeline. */
  pipeline_instructions_per_run: number;
  /** The same for the plain batched loop. */
  plain_instructions_per_run: number;
  /** plain / pipeline: 1 would be an actor layer that costs nothing. */
  ratio: number;
  low_runs: number;
  high_runs: number;
}

/** The instructions one process playing `runs` runs of `loop` executes under callgrind. */
export function countInstructions(loop: CountedLoop, runs: number): Promise<number> {
  const tsx = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));
  const entry = fileURLToPath(new URL('./pipelineInstructionsMain.ts', import.meta.url));
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', '--import', tsx, entry, String(runs), loop];
  return new Promise((resolve, reject) => {
    const child = spawn(VALGRIND, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot start ${VALGRIND} (apt-get install -y valgrind): ${error.message}`)));
    child.on('close', (code) => {
      const collected = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code !== 0 || !collected) reject(new Error(`callgrind of ${loop} × ${runs} ended with code ${code}:\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}

/**
 * @example
 * const { ratio } = await pipelineInstructions({ low: 3, high: 13 });
 */
export async function pipelineInstructions({ low = 3, high = 13 }: { low?: number; high?: number } = {}): Promise<PipelineInstructions> {
  checkInteger('low', low, 1);
  checkInteger('high', high, 1);
  if (high <= low) throw new ConfigError([`high must be > low (${low}), got ${high}`]);
  // Counts do not depend on load: all four processes run at once.
  const [pipeLow, pipeHigh, plainLow, plainHigh] = await Promise.all([
    countInstructions('pipeline', low), countInstructions('pipeline', high), countInstructions('plain', low), countInstructions('plain', high),
  ]);
  const pipeline = (pipeHigh - pipeLow) / (high - low);
  const plain = (plainHigh - plainLow) / (high - low);
  return { pipeline_instructions_per_run: Math.round(pipeline), plain_instructions_per_run: Math.round(plain), ratio: plain / pipeline, low_runs: low, high_runs: high };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await pipelineInstructions();
  process.stdout.write(`${JSON.stringify({ workload: 'online: plain loop / actor pipeline, instructions per run (callgrind)', ...result, ratio: Number(result.ratio.toFixed(4)) })}\n`);
}
