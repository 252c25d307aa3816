/**
 * Complex eigenvalues (and eigenvectors) of real non-symmetric matrices, in one sorted layout:
 * descending modulus, and within a conjugate pair the eigenvalue with positive imaginary part first.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Eigenvalues λ = re + i·im, sorted by descending |λ|. */
export interface ComplexSpectrum {
  re: Float64Array;
  im: Float64Array;
  /** |λ| of each eigenvalue. */
  modulus: Float64Array;
}

/** One eigenpair; the eigenvector is v = vectorRe + i·vectorIm, scaled to unit norm. */
export interface EigenMode {
  re: number;
  im: number;
  vectorRe: Float64Array;
  vectorIm: Float64Array;
}

/**
 * Sort eigenvalues by descending modulus (then descending real, then imaginary part).
 * @example
 * sortSpectrum([0.5, 0, 0], [0, 1, -1]); // re [0, 0, 0.5], im [1, -1, 0]
 */
export function sortSpectrum(re: ArrayLike<number>, im: ArrayLike<number>): ComplexSpectrum {
  const n = re.length;
  const modulus = Float64Array.from({ length: n }, (_, i) => Math.hypot(re[i], im[i]));
  // Conjugate pairs have equal modulus up to rounding: compare moduli with a relative tolerance.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const dm = modulus[b] - modulus[a];
    if (Math.abs(dm) > 1e-12 * Math.max(1, modulus[a])) return dm;
    const dr = re[b] - re[a];
    if (Math.abs(dr) > 1e-12 * Math.max(1, Math.abs(re[a]))) return dr;
    return im[b] - im[a];
  });
  return {
    re: Float64Array.from(order, (i) => re[i]),
    im: Float64Array.from(order, (i) => im[i]),
    modulus: Float64Array.from(order, (i) => modulus[i]),
  };
}

/**
 * All eigenvalues of a square real matrix, sorted (ml-matrix's Hessenberg QR).
 * @example
 * matrixEigenvalues(new Matrix([[0, -1], [1, 0]])); // re [0, 0], im [1, -1]
 */
export function matrixEigenvalues(matrix: Matrix): ComplexSpectrum {
  if (matrix.rows === 0) return sortSpectrum([], []);
  const eig = new EigenvalueDecomposition(matrix, { assumeSymmetric: false });
  return sortSpectrum(eig.realEigenvalues, eig.imaginaryEigenvalues);
}

/**
 * All eigenpairs of a square real matrix. ml-matrix (like JAMA) stores a complex pair
 * λ_j = a + ib (b > 0), λ_{j+1} = a − ib in columns j, j+1 as the real and imaginary parts of λ_j's
 * eigenvector; the conjugate's eigenvector is the conjugate.
 * @example
 * const modes = eigenModes(new Matrix([[2, 0], [0, 1]])); // modes[0].re === 2
 */
export function eigenModes(matrix: Matrix): EigenMode[] {
  const n = matrix.rows;
  const eig = new EigenvalueDecomposition(matrix, { assumeSymmetric: false });
  const V = eig.eigenvectorMatrix;
  const re = eig.realEigenvalues;
  const im = eig.imaginaryEigenvalues;
  const modes: EigenMode[] = [];
  for (let j = 0; j < n; j++) {
    const vectorRe = new Float64Array(n);
    const vectorIm = new Float64Array(n);
    if (im[j] === 0) {
      for (let i = 0; i < n; i++) vectorRe[i] = V.get(i, j);
    } else {
      const first = im[j] > 0 ? j : j - 1;
      const sign = im[j] > 0 ? 1 : -1;
      for (let i = 0; i < n; i++) {
        vectorRe[i] = V.get(i, first);
        vectorIm[i] = sign * V.get(i, first + 1);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += vectorRe[i] ** 2 + vectorIm[i] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) {
      vectorRe[i] /= norm;
      vectorIm[i] /= norm;
    }
    modes.push({ re: re[j], im: im[j], vectorRe, vectorIm });
  }
  return modes;
}
