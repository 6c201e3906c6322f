/**
 * Dense Cholesky factorisation and triangular solves on row-major n x n Float64Arrays. Written out
 * rather than taken from a library: the GP needs only these few kernels on matrices of at most a
 * few hundred rows, and plain loops over typed arrays are fast enough and add no dependency.
 */

/**
 * Overwrites the lower triangle of `a` (symmetric positive definite, lower triangle read) with its
 * Cholesky factor L (a = L L^T) and zeroes the upper triangle. Returns false if `a` is not
 * numerically positive definite (then `a` is garbage).
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diagonal = a[rowJ + j];
    for (let k = 0; k < j; k++) diagonal -= a[rowJ + k] * a[rowJ + k];
    if (!(diagonal > 0)) return false;
    const ljj = Math.sqrt(diagonal);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = a[rowI + j];
      for (let k = 0; k < j; k++) sum -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = sum / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rowJ + k] = 0;
  }
  return true;
}

/** Diagonal jitter tried in turn, relative to the mean diagonal. */
const JITTERS = [0, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2];

/**
 * Cholesky factor of `matrix` (left untouched) into `out`; when it is not numerically positive
 * definite, retries with growing jitter on the diagonal. Returns the jitter added (0 usually).
 */
export function choleskyWithJitter(matrix: Float64Array, n: number, out: Float64Array): number {
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += matrix[i * n + i];
  meanDiagonal = n > 0 ? meanDiagonal / n : 1;
  for (const relative of JITTERS) {
    const jitter = relative * meanDiagonal;
    out.set(matrix.subarray(0, n * n));
    for (let i = 0; i < n; i++) out[i * n + i] += jitter;
    if (choleskyInPlace(out, n)) return jitter;
  }
  throw new Error(`matrix of size ${n} is not positive definite, even with jitter`);
}

/** b <- L^{-1} b for the first `m` rows (forward substitution with the leading m x m block of L). */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array, m = n): void {
  for (let i = 0; i < m; i++) {
    const row = i * n;
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[row + k] * b[k];
    b[i] = sum / l[row + i];
  }
}

/** b <- L^{-T} b for the first `m` rows (back substitution with the leading block's transpose). */
export function solveLowerTransposedInPlace(l: Float64Array, n: number, b: Float64Array, m = n): void {
  for (let i = m - 1; i >= 0; i--) {
    let sum = b[i];
    for (let k = i + 1; k < m; k++) sum -= l[k * n + i] * b[k];
    b[i] = sum / l[i * n + i];
  }
}

/** log det(L L^T) = 2 sum log L_ii. */
export function logDeterminantFromCholesky(l: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i]);
  return 2 * sum;
}

/** out <- (L L^T)^{-1}, full symmetric; `scratch` (n x n) receives L^{-1}. */
export function inverseFromCholesky(l: Float64Array, n: number, out: Float64Array, scratch: Float64Array): void {
  // scratch = L^{-1}, lower triangular, column by column.
  scratch.fill(0, 0, n * n);
  for (let j = 0; j < n; j++) {
    scratch[j * n + j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i * n + k] * scratch[k * n + j];
      scratch[i * n + j] = sum / l[i * n + i];
    }
  }
  // (L L^T)^{-1} = L^{-T} L^{-1}: entry (i, j) sums over rows k >= max(i, j) of L^{-1}.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += scratch[k * n + i] * scratch[k * n + j];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
}
