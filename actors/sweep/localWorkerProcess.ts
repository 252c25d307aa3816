/**
 * A worker process of the local executor (localExecutor.ts): receives the plan once, then cell
 * indices, and sends each cell's result (or error) back over the IPC channel. Exits when the
 * coordinator goes.
 */
import { runSweepCell } from './cellRunner.js';
import { readPlanData, type SweepPlan } from './sweepPlan.js';
import { workerName } from './sweepFolder.js';

type Message = { type: 'plan'; plan: SweepPlan } | { type: 'cell'; index: number };

let plan: SweepPlan | undefined;
let data: Uint8Array | undefined;
const worker = workerName();

process.on('message', (message: Message) => {
  if (message.type === 'plan') {
    plan = message.plan;
    data = readPlanData(plan);
    return;
  }
  try {
    const outcome = runSweepCell(plan!, message.index, data);
    process.send!({ type: 'done', index: message.index, worker, ...outcome });
  } catch (error) {
    process.send!({ type: 'failed', index: message.index, worker, error: (error as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', worker });
