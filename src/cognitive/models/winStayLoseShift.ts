/**
 * Noisy win-stay / lose-shift: after a reward repeat the last choice with probability pWinStay,
 * after no reward switch with probability pLoseShift; the first trial (or one after a trial
 * without an outcome) is a coin flip. With `sharedNoise`, one lapse rate ε gives
 * pWinStay = pLoseShift = 1 − ε/2 (Wilson & Collins 2019, model 2).
 */
import type { CognitiveModel, ModelKernel, ParameterSpec } from '../cognitiveModel.js';
import { defineCognitiveModel } from '../defineCognitiveModel.js';

export interface WinStayLoseShiftOptions {
  /** One lapse rate `epsilon` instead of separate pWinStay and pLoseShift. Default false. */
  sharedNoise?: boolean;
}

const LAST_CHOICE = 0;
const LAST_REWARD = 1;

class WinStayLoseShiftKernel implements ModelKernel {
  readonly stateSize = 2;
  private readonly winStayLogit: number;
  private readonly loseStayLogit: number;
  constructor(pWinStay: number, pLoseShift: number) {
    this.winStayLogit = Math.log(pWinStay) - Math.log1p(-pWinStay);
    this.loseStayLogit = Math.log1p(-pLoseShift) - Math.log(pLoseShift);
  }

  init(state: Float64Array, o: number): void {
    state[o + LAST_CHOICE] = -1;
    state[o + LAST_REWARD] = -1;
  }

  choiceLogit(state: Float64Array, o: number): number {
    const last = state[o + LAST_CHOICE];
    const reward = state[o + LAST_REWARD];
    if (last < 0 || reward < 0) return 0;
    const stayLogit = reward > 0 ? this.winStayLogit : this.loseStayLogit;
    return last === 1 ? stayLogit : -stayLogit;
  }

  update(state: Float64Array, o: number, choice: number, _s: number, _a2: number, reward: number): void {
    if (choice < 0) return;
    state[o + LAST_CHOICE] = choice;
    state[o + LAST_REWARD] = reward;
  }
}

/**
 * @example
 * const wsls = createWinStayLoseShiftModel({ sharedNoise: true });
 * wsls.negLogLikelihood({ epsilon: 0.2 }, session);
 */
export function createWinStayLoseShiftModel(options: WinStayLoseShiftOptions = {}): CognitiveModel {
  const { sharedNoise = false } = options;
  const parameters: ParameterSpec[] = sharedNoise
    ? [{ name: 'epsilon', lower: 0, upper: 1, start: 0.3, startRange: [0.05, 0.95] }]
    : [
        { name: 'pWinStay', lower: 0, upper: 1, start: 0.8, startRange: [0.05, 0.95] },
        { name: 'pLoseShift', lower: 0, upper: 1, start: 0.5, startRange: [0.05, 0.95] },
      ];
  return defineCognitiveModel({
    name: sharedNoise ? 'win_stay_lose_shift_epsilon' : 'win_stay_lose_shift',
    task: 'reversal',
    parameters,
    bind: (p) => (sharedNoise ? new WinStayLoseShiftKernel(1 - p[0] / 2, 1 - p[0] / 2) : new WinStayLoseShiftKernel(p[0], p[1])),
  });
}
