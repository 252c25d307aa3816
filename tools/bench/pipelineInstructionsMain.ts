/**
 * Child-process entry of tools/bench/pipelineInstructions.ts: plays `RUNS` runs of the online
 * workload, either through the actor pipeline or the plain batched loop, and exits. Run under
 * callgrind, its instruction count minus that of a process with fewer runs is the cost of the runs
 * alone (start-up, module loading and compilation of the first runs cancel out).
 * Usage: tsx tools/bench/pipelineInstructionsMain.ts RUNS pipeline|plain
 */
import { runActorPipelineWorkload, runPlainOnlineLoop } from './actorPipelineWorkload.js';

const runs = Number(process.argv[2]);
const loop = process.argv[3];
if (!Number.isInteger(runs) || runs < 1 || (loop !== 'pipeline' && loop !== 'plain')) {
  process.stderr.write('usage: pipelineInstructionsMain.ts RUNS pipeline|plain (RUNS an integer >= 1)\n');
  process.exit(2);
}
// Both functions play `repeats + 1` runs (one warm-up, then the timed ones).
if (loop === 'pipeline') await runActorPipelineWorkload({ repeats: runs - 1 });
else runPlainOnlineLoop({ repeats: runs - 1 });
