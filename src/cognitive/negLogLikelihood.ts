/**
 * Negative log-likelihood of observed choices under a bound model kernel. Only trials with a
 * first-stage choice are scored; a missed trial adds no term and (by the kernel contract) changes
 * no state.
 */
import type { TrialsSession } from '../data/trialsCsv.js';
import { logSigmoid, type LikelihoodResult, type ModelKernel } from './cognitiveModel.js';

/** An all-zero result, to accumulate into. */
export function emptyLikelihood(): LikelihoodResult {
  return { nll: 0, nChoices: 0, stage1Nll: 0, stage1Choices: 0, stage2Nll: 0, stage2Choices: 0 };
}

/**
 * Add one session's NLL to `into` (a fresh result by default). `state` is scratch space of at
 * least `kernel.stateSize` values, reused across calls by fitting loops.
 * @example
 * const result = sessionNegLogLikelihood(model.bind(params), session);
 * result.stage1Nll / result.stage1Choices; // NLL per first-stage choice
 */
export function sessionNegLogLikelihood(
  kernel: ModelKernel,
  session: TrialsSession,
  into: LikelihoodResult = emptyLikelihood(),
  state: Float64Array = new Float64Array(kernel.stateSize),
): LikelihoodResult {
  const { choice, stage2State, stage2Choice, reward, nTrials } = session;
  const twoStage = session.task === 'two_stage' && kernel.stage2Logit !== undefined;
  kernel.init(state, 0);
  let stage1 = 0;
  let stage2 = 0;
  let n1 = 0;
  let n2 = 0;
  for (let t = 0; t < nTrials; t++) {
    const c = choice[t];
    if (c < 0) continue;
    // log P(c) = log σ(±logit): +logit for option 1, −logit for option 0.
    const logit = kernel.choiceLogit(state, 0);
    stage1 -= logSigmoid(c === 1 ? logit : -logit);
    n1++;
    const s = stage2State[t];
    const a2 = stage2Choice[t];
    if (twoStage && s >= 0 && a2 >= 0) {
      const logit2 = kernel.stage2Logit!(state, 0, s);
      stage2 -= logSigmoid(a2 === 1 ? logit2 : -logit2);
      n2++;
    }
    kernel.update(state, 0, c, s, a2, reward[t]);
  }
  into.stage1Nll += stage1;
  into.stage1Choices += n1;
  into.stage2Nll += stage2;
  into.stage2Choices += n2;
  into.nll += stage1 + stage2;
  into.nChoices += n1 + n2;
  return into;
}

/**
 * NLL summed over sessions.
 * @example
 * sessionsNegLogLikelihood(model.bind(params), table.sessions).nll;
 */
export function sessionsNegLogLikelihood(kernel: ModelKernel, sessions: readonly TrialsSession[]): LikelihoodResult {
  const result = emptyLikelihood();
  const state = new Float64Array(kernel.stateSize);
  for (const session of sessions) sessionNegLogLikelihood(kernel, session, result, state);
  return result;
}
