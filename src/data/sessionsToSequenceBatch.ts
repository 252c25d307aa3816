/**
 * Real sessions as network training data: predict each trial's first-stage choice from the trials
 * before it, with the same input encoding the simulated tasks use (src/tasks/encoding.ts).
 */
import type { SequenceBatch } from '../model/recurrentModel.js';
import { TaskType } from '../tasks/cohortTask.js';
import { encodeTrialRow, taskInputSize } from '../tasks/encoding.js';
import { ConfigError } from '../validation.js';
import type { TrialsSession } from './trialsCsv.js';

/**
 * Build a SequenceBatch from sessions: input t encodes trial t−1 (zeros and the constant 1 at
 * t = 0 and after a missed trial; a missing reward is encoded as 0), target t is trial t's choice
 * (−1 when missed), mask t is 1 where there is a choice. Sessions of different lengths are padded
 * to the longest with constant-only inputs, target −1 and mask 0.
 * @example
 * const batch = sessionsToSequenceBatch(parseTrialsCsv(text).sessions, TaskType.REVERSAL);
 * batch.nInputs; // 4
 */
export function sessionsToSequenceBatch(sessions: readonly TrialsSession[], task: TaskType): SequenceBatch {
  if (sessions.length === 0) throw new ConfigError(['sessions must hold at least one session, got 0']);
  const nInputs = taskInputSize(task);
  const twoStage = task === TaskType.TWO_STAGE;
  for (const s of sessions) {
    if ((s.task === 'two_stage') !== twoStage) {
      throw new ConfigError([`session ${JSON.stringify(s.session)} is a ${s.task} session, cannot encode it for task ${task}`]);
    }
  }
  const nSessions = sessions.length;
  const nTrials = Math.max(...sessions.map((s) => s.nTrials));
  const inputs = new Float64Array(nSessions * nTrials * nInputs);
  const targets = new Int32Array(nSessions * nTrials).fill(-1);
  const mask = new Uint8Array(nSessions * nTrials);
  const previous = { action: -1, state: -1, reward: 0 };
  for (let b = 0; b < nSessions; b++) {
    const s = sessions[b];
    previous.action = -1;
    previous.state = -1;
    previous.reward = 0;
    for (let t = 0; t < nTrials; t++) {
      const row = b * nTrials + t;
      if (t >= s.nTrials) {
        previous.action = -1;
        previous.state = -1;
        previous.reward = 0;
      }
      encodeTrialRow(task, previous, inputs, row * nInputs);
      if (t >= s.nTrials) continue;
      const choice = s.choice[t];
      targets[row] = choice;
      mask[row] = choice >= 0 ? 1 : 0;
      // A missed trial contributes nothing to the next input but the constant.
      const missed = choice < 0;
      previous.action = missed ? -1 : choice;
      previous.state = missed || !twoStage ? -1 : s.stage2State[t];
      previous.reward = missed || s.reward[t] < 0 ? 0 : s.reward[t];
    }
  }
  return { nSessions, nTrials, nInputs, inputs, targets, mask };
}
