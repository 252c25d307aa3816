/**
 * The live logit dynamics of one agent (Ji-An, Benna & Mattar 2025): per trial type (action ×
 * reward; the two-stage task adds the transition, common or rare), how trial t moved the policy's
 * log-odds, ΔL_t = L_{t+1} − L_t against L_t, with L = log p(a=1) / p(a=0) read from the policy the
 * agent reported (a network's softmax, a cognitive model's choice probability: every agent kind).
 * Pairs (t, t + 1) are taken within an episode. The sums cover the last `windowEpisodes` episodes
 * (a ring of per-episode sums), so a learning agent shows its current strategy: per type the
 * least-squares line ΔL = intercept + slope · L (fitLineFromSums) and the mean ΔL in bins of L.
 * Bins are even in asinh(L / 0.25): fine near L = 0, where an untrained network's logits sit, and
 * coarse out at |L| ≈ β, where a confident cognitive model's sit.
 */
import { ConfigError, checkInteger, checkNumber } from '../../validation.js';
import { fitLineFromSums, type LineFit } from '../logitDynamics.js';

export interface LogitDynamicsAccumulatorOptions {
  /** Sessions of the cohort. */
  nSessions: number;
  /** Split trial types by transition (two-stage task). */
  byTransition: boolean;
  /** Episodes the sums cover (default 20). */
  windowEpisodes?: number;
  /** Bins of L span [−logitRange, logitRange] (default 8), even in asinh(L / 0.25); points outside count in the fit only. */
  logitRange?: number;
  /** Bins of L (default 32). */
  nBins?: number;
}

/** The logit dynamics of one trial type over the window. */
export interface TrialTypeLogitDynamics extends LineFit {
  /** `a1r0`, or with the transition `a1r0 common` / `a1r0 rare`. */
  label: string;
  action: number;
  reward: number;
  /** Two-stage: the transition of the trial; null otherwise. */
  transition: 'common' | 'rare' | null;
  /** Bins with at least one pair: the mean L, the mean ΔL and the number of pairs. */
  bins: { logit: number[]; change: number[]; count: number[] };
}

/** Per type: n, Σx, Σy, Σxx, Σxy, Σyy, then per bin Σx, Σy, n. */
const FIT = 6;
/** Cells of the bin guide at most (its cells are no wider than the narrowest bin, up to this many). */
const MAX_GUIDE_CELLS = 4096;
/** L at which the bins turn from even in L to even in log |L|. */
const BIN_SCALE = 0.25;

/** Log-odds of option 1 over 0 from probabilities (a zero probability is floored so L stays finite). */
export const logOdds = (p0: number, p1: number) => Math.log(Math.max(p1, 1e-12) / Math.max(p0, 1e-12));

/**
 * @example
 * const acc = new LogitDynamicsAccumulator({ nSessions: 64, byTransition: false });
 * acc.startEpisode(); acc.add(event.policy, event.actions, event.rewards); acc.endEpisode();
 * acc.summary().find((t) => t.label === 'a1r1')!.slope; // −α for a Q-learner with forgetting at rate α
 */
export class LogitDynamicsAccumulator {
  readonly types: { label: string; action: number; reward: number; transition: 'common' | 'rare' | null }[] = [];
  private readonly nBins: number;
  private readonly logitRange: number;
  private readonly windowEpisodes: number;
  private readonly stride: number;
  private readonly previousLogit: Float64Array;
  private readonly previousType: Int8Array;
  private episode: Float64Array;
  private readonly ring: Float64Array[] = [];
  private readonly total: Float64Array;
  /** The nBins + 1 bin edges in L (even in asinh(L / BIN_SCALE)): a bin is found from them, not by an asinh per pair. */
  private readonly edges: Float64Array;
  /**
   * A guide to the bin of L: cells of equal width in L, none wider than the narrowest bin, each
   * holding the bin its lower end falls in. binOf starts there and steps to the bin whose edges
   * hold L (at most a step or two): the same bin a bisection over the edges finds, without its
   * five unpredictable branches per pair.
   */
  private readonly guide: Int32Array;
  private readonly guideScale: number;

  constructor(options: LogitDynamicsAccumulatorOptions) {
    const { nSessions, byTransition, windowEpisodes = 20, logitRange = 8, nBins = 32 } = options;
    checkInteger('nSessions', nSessions, 1);
    this.windowEpisodes = checkInteger('windowEpisodes', windowEpisodes, 1);
    this.logitRange = checkNumber('logitRange', logitRange, { min: 0, minExclusive: true });
    this.nBins = checkInteger('nBins', nBins, 1);
    for (const action of [0, 1]) {
      for (const transition of byTransition ? (['common', 'rare'] as const) : [null]) {
        for (const reward of [0, 1]) this.types.push({ label: `a${action}r${reward}${transition ? ` ${transition}` : ''}`, action, reward, transition });
      }
    }
    this.stride = FIT + 3 * this.nBins;
    this.previousLogit = new Float64Array(nSessions);
    this.previousType = new Int8Array(nSessions).fill(-1);
    this.episode = new Float64Array(this.types.length * this.stride);
    this.total = new Float64Array(this.types.length * this.stride);
    const binRange = Math.asinh(this.logitRange / BIN_SCALE);
    const edges = Float64Array.from({ length: this.nBins + 1 }, (_, i) => BIN_SCALE * Math.sinh(-binRange + (2 * binRange * i) / this.nBins));
    this.edges = edges;
    let narrowest = Infinity;
    for (let b = 0; b < this.nBins; b++) narrowest = Math.min(narrowest, edges[b + 1] - edges[b]);
    const span = edges[this.nBins] - edges[0];
    const cells = Math.min(MAX_GUIDE_CELLS, Math.ceil(span / narrowest));
    this.guideScale = cells / span;
    this.guide = new Int32Array(cells);
    for (let c = 0, b = 0; c < cells; c++) {
      const low = edges[0] + c / this.guideScale;
      while (b < this.nBins - 1 && low >= edges[b + 1]) b++;
      this.guide[c] = b;
    }
  }

  /** The bin of L: the b with edges[b] <= L < edges[b + 1] (−1 outside [−logitRange, logitRange)). */
  private binOf(x: number): number {
    const { edges, nBins, guide } = this;
    if (!(x >= edges[0] && x < edges[nBins])) return -1;
    let b = guide[Math.min(guide.length - 1, Math.floor((x - edges[0]) * this.guideScale))];
    // The guide's cell can be one off where rounding puts x next to a cell boundary: step either way.
    while (b > 0 && x < edges[b]) b--;
    while (b < nBins - 1 && x >= edges[b + 1]) b++;
    return b;
  }

  private typeIndex(action: number, rewarded: boolean, common: boolean): number {
    const transitions = this.types.length / 4;
    return (action * transitions + (transitions === 2 && !common ? 1 : 0)) * 2 + (rewarded ? 1 : 0);
  }

  /** A new episode: its first trial pairs with nothing before it. */
  startEpisode(): void {
    this.previousType.fill(-1);
  }

  /**
   * Fold one trial: `policy` S×nActions (the policy trial t was chosen under), the actions and
   * rewards of trial t, and for the two-stage task its transitions (1 common, 0 rare).
   */
  add(policy: ArrayLike<number>, actions: ArrayLike<number>, rewards: ArrayLike<number>, common?: ArrayLike<number>): void {
    const S = this.previousType.length;
    if (policy.length !== 2 * S) throw new ConfigError([`policy must hold ${S}×2 probabilities (two actions), got ${policy.length}`]);
    const { stride, episode } = this;
    for (let s = 0; s < S; s++) {
      const logit = logOdds(policy[2 * s], policy[2 * s + 1]);
      const type = this.previousType[s];
      if (type >= 0) {
        const x = this.previousLogit[s];
        const y = logit - x;
        const o = type * stride;
        episode[o] += 1;
        episode[o + 1] += x;
        episode[o + 2] += y;
        episode[o + 3] += x * x;
        episode[o + 4] += x * y;
        episode[o + 5] += y * y;
        const bin = this.binOf(x);
        if (bin >= 0) {
          const b = o + FIT + 3 * bin;
          episode[b] += x;
          episode[b + 1] += y;
          episode[b + 2] += 1;
        }
      }
      const action = actions[s];
      this.previousLogit[s] = logit;
      this.previousType[s] = action === 0 || action === 1 ? this.typeIndex(action, rewards[s] > 0, common === undefined || common[s] === 1) : -1;
    }
  }

  /** The episode ended: its sums join the window (and the oldest episode leaves it). */
  endEpisode(): void {
    this.ring.push(this.episode);
    for (let i = 0; i < this.total.length; i++) this.total[i] += this.episode[i];
    if (this.ring.length > this.windowEpisodes) {
      const oldest = this.ring.shift()!;
      for (let i = 0; i < this.total.length; i++) this.total[i] -= oldest[i];
    }
    this.episode = new Float64Array(this.total.length);
  }

  /** Episodes in the window. */
  get episodes(): number {
    return this.ring.length;
  }

  /** Per trial type over the window: the fitted line and the binned means (types without pairs are left out). */
  summary(): TrialTypeLogitDynamics[] {
    const { stride, total, nBins } = this;
    const out: TrialTypeLogitDynamics[] = [];
    this.types.forEach((type, t) => {
      const o = t * stride;
      // Removing an episode's sums can leave rounding residue: counts are integers.
      const n = Math.round(total[o]);
      if (n === 0) return;
      const fit = fitLineFromSums({ n, sumX: total[o + 1], sumY: total[o + 2], sumXX: total[o + 3], sumXY: total[o + 4], sumYY: total[o + 5] });
      const bins: TrialTypeLogitDynamics['bins'] = { logit: [], change: [], count: [] };
      for (let b = 0; b < nBins; b++) {
        const base = o + FIT + 3 * b;
        const count = Math.round(total[base + 2]);
        if (count === 0) continue;
        bins.logit.push(total[base] / count);
        bins.change.push(total[base + 1] / count);
        bins.count.push(count);
      }
      out.push({ ...type, ...fit, bins });
    });
    return out;
  }
}
