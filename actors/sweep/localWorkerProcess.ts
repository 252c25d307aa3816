/**
 * A cell process (cellProcess.ts): receives a plan (and the data bytes, or reads the plan's data
 * file), then cell indices, and sends each cell's result (or error) back over the IPC channel.
 * Exits when its parent goes.
 */
import { runSweepCell } from './cellRunner.js';
import { readPlanData, type SweepPlan } from './sweepPlan.js';
import { workerName } from './sweepFolder.js';

type Message = { type: 'plan'; plan: SweepPlan; data?: Uint8Array } | { type: 'cell'; index: number };

let plan: SweepPlan | undefined;
let data: Uint8Array | undefined;
const worker = workerName();

process.on('message', async (message: Message) => {
  try {
    if (message.type === 'plan') {
      plan = message.plan;
      data = message.data ?? readPlanData(plan);
      return;
    }
    const outcome = await runSweepCell(plan!, message.index, data);
    process.send!({ type: 'done', worker, ...outcome });
  } catch (error) {
    process.send!({ type: 'failed', worker, error: (error as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready', worker });
