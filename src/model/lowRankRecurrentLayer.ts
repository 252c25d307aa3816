/**
 * The recurrent connectivity of the low-rank RNN, W_rec = m nᵀ + M Nᵀ (Mastrogiuseppe & Ostojic
 * 2018), held as live views of the model's factor tensors. It connects the factor form to the rest
 * of the library: W h without forming W, the dense N×N matrix for analyses, and the packed factors
 * A = [m | M], B = [n | N] (W_rec = A Bᵀ) that the spectral regularisers differentiate.
 */
import type { Matrix } from 'ml-matrix';
import type { ParameterSet, Real } from './parameters.js';
import { ConfigError } from '../validation.js';
import { addLowRankGradients, factorProduct, packLowRankFactors } from './lowRankFactors.js';

/** The packed factors: W_rec = A Bᵀ, both N×k row-major with k = r + 1; column 0 is m resp. n. */
export interface LowRankFactorPair {
  A: Float64Array;
  B: Float64Array;
  k: number;
}

/**
 * @example
 * const layer = new LowRankRecurrentLayer(model.parameters);
 * layer.multiply(h, out); // out = W_rec h
 */
export class LowRankRecurrentLayer {
  /** Number of units N. */
  readonly nHidden: number;
  /** Rank r of M Nᵀ. */
  readonly rank: number;
  private readonly m: Real;
  private readonly n: Real;
  private readonly M: Real;
  private readonly N: Real;
  private readonly overlaps: Float64Array;

  /** Views 'm', 'n', 'M' and 'N' of `parameters` (shapes [N], [N], [N, r], [N, r]); later updates show through. */
  constructor(private readonly parameters: ParameterSet) {
    this.m = parameters.view('m');
    this.n = parameters.view('n');
    this.M = parameters.view('M');
    this.N = parameters.view('N');
    const [nHidden, rank] = parameters.entry('M').shape;
    if (this.m.length !== nHidden || this.n.length !== nHidden || parameters.entry('N').shape.join() !== `${nHidden},${rank}`) {
      throw new ConfigError([`low-rank factors must have shapes m [N], n [N], M [N, r], N [N, r]; got M [${nHidden}, ${rank}], m [${this.m.length}]`]);
    }
    this.nHidden = nHidden;
    this.rank = rank;
    this.overlaps = new Float64Array(rank + 1);
  }

  /**
   * out = W_rec h = m (nᵀh) + M (Nᵀh), in O(N r) without forming W_rec.
   * @example
   * layer.multiply(h, out);
   */
  multiply(h: ArrayLike<number>, out: Float64Array): Float64Array {
    const { nHidden, rank, m, n, M, N, overlaps } = this;
    overlaps.fill(0);
    for (let i = 0; i < nHidden; i++) {
      const hi = h[i];
      overlaps[0] += n[i] * hi;
      for (let j = 0; j < rank; j++) overlaps[j + 1] += N[i * rank + j] * hi;
    }
    for (let i = 0; i < nHidden; i++) {
      let s = m[i] * overlaps[0];
      for (let j = 0; j < rank; j++) s += M[i * rank + j] * overlaps[j + 1];
      out[i] = s;
    }
    return out;
  }

  /**
   * The dense N×N W_rec = m nᵀ + M Nᵀ, for analyses (SVD, fixed points); never used in training.
   * @example
   * const W = layer.recurrentWeights(); // ml-matrix Matrix
   */
  recurrentWeights(): Matrix {
    const { A, B, k } = this.factors();
    return factorProduct(A, B, this.nHidden, k);
  }

  /**
   * Fresh float64 copies A = [m | M], B = [n | N] (N×k row-major, k = r + 1), so W_rec = A Bᵀ.
   * @example
   * const { A, B, k } = layer.factors();
   */
  factors(): LowRankFactorPair {
    const { A, B, k } = packLowRankFactors(this.parameters);
    return { A, B, k };
  }

  /**
   * Add gradients with respect to the packed factors (N×k, layout of `factors()`) onto the
   * 'm', 'M', 'n', 'N' tensors of `grads`.
   * @example
   * layer.scatterFactorGradients(reg.gradA, reg.gradB, gradients);
   */
  scatterFactorGradients(gradA: ArrayLike<number>, gradB: ArrayLike<number>, grads: ParameterSet): void {
    addLowRankGradients(grads, gradA, gradB);
  }

}
