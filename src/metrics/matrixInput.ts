/**
 * The matrix shapes every metric accepts, and the one conversion to an ml-matrix `Matrix`.
 *
 * Metrics are called from three places: tests and notebooks (`number[][]`), other linear algebra
 * (`Matrix`), and kernels whose buffers are flat row-major typed arrays (`RowMajorMatrix`, no
 * nesting, the layout of `ParameterSet` views and `ForwardResult.hidden`).
 */
import { AbstractMatrix, Matrix } from 'ml-matrix';
import { ConfigError, checkInteger } from '../validation.js';

/** A flat row-major buffer with its shape: entry (i, j) is `data[i * cols + j]`. */
export interface RowMajorMatrix {
  /** rows × cols values, row-major. */
  data: ArrayLike<number>;
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
}

/** Anything a metric accepts as a matrix (ml-matrix views such as `subMatrixView` included). */
export type MatrixInput = AbstractMatrix | number[][] | RowMajorMatrix;

function isRowMajor(input: MatrixInput): input is RowMajorMatrix {
  return !Array.isArray(input) && !(input instanceof AbstractMatrix) && typeof input === 'object' && input !== null && 'data' in input;
}

/**
 * Wrap a flat row-major buffer as a `RowMajorMatrix`, checking that its length is rows × cols.
 * @example
 * const hidden = rowMajor(forward.hidden, nSessions * nTrials, nHidden);
 */
export function rowMajor(data: ArrayLike<number>, rows: number, cols: number, name = 'matrix'): RowMajorMatrix {
  checkInteger(`${name}.rows`, rows, 0);
  checkInteger(`${name}.cols`, cols, 0);
  if (data.length !== rows * cols) {
    throw new ConfigError([`${name} must have rows × cols = ${rows} × ${cols} = ${rows * cols} entries, got ${data.length}`]);
  }
  return { data, rows, cols };
}

/**
 * Convert any `MatrixInput` to an ml-matrix `Matrix`. A `Matrix` is returned as is (not copied), so
 * callers must not mutate the result; the other forms (views included) are copied. Ragged `number[][]` is rejected.
 * @example
 * toMatrix([[1, 2], [3, 4]], 'W').get(1, 0); // 3
 */
export function toMatrix(input: MatrixInput, name = 'matrix'): Matrix {
  if (input instanceof Matrix) return input;
  if (input instanceof AbstractMatrix) return new Matrix(input.to2DArray());
  if (isRowMajor(input)) {
    const { data, rows, cols } = rowMajor(input.data, input.rows, input.cols, name);
    const matrix = new Matrix(rows, cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) matrix.set(i, j, data[i * cols + j]);
    }
    return matrix;
  }
  if (Array.isArray(input)) {
    const cols = input.length > 0 ? input[0].length : 0;
    for (let i = 0; i < input.length; i++) {
      if (!Array.isArray(input[i]) || input[i].length !== cols) {
        throw new ConfigError([`${name}[${i}] must be an array of ${cols} numbers (rows of equal length), got length ${input[i]?.length}`]);
      }
    }
    return new Matrix(input);
  }
  throw new ConfigError([`${name} must be a Matrix, a number[][] or { data, rows, cols }, got ${typeof input}`]);
}

/** Copy a matrix into a fresh row-major Float64Array. */
export function toRowMajor(matrix: AbstractMatrix): Float64Array {
  const { rows, columns } = matrix;
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) out[i * columns + j] = matrix.get(i, j);
  }
  return out;
}
