/**
 * Negative log marginal likelihood of the independent-per-level GP, with its analytic gradient in
 * the flat parameter vector (see gpParameters.ts). Level r has K_r = c_r Ktilde + noise I over its
 * cells (Ktilde the shared unit-scale Matérn 5/2) and targets y_r ~ N(mu_r, K_r); the levels are
 * independent, so the likelihood is a sum over levels. With W = K^-1 - alpha alpha^T (alpha =
 * K^-1 (y - mu)), every gradient is 1/2 tr(W dK/dtheta). Priors: as in Syne Tune, Gamma(mean 0.1,
 * shape 0.1) on the noise and LogNormal(0, 1) on each covariance scale; beyond it, Normal(0, 1) on
 * each log inverse bandwidth (see DEFAULT_GP_PRIORS).
 */
import { accumulateOverDifferingDimensions, fillUnitKernel, ONE_HOT_LENGTH } from './categoricalMatern52';
import { choleskyWithJitter, inverseFromCholesky, logDeterminantFromCholesky, solveLowerInPlace, solveLowerTransposedInPlace } from './cholesky';
import type { GpLevelData, IndependentGpLayout } from './gpParameters';

const LOG_2PI = Math.log(2 * Math.PI);

export interface GpPriors {
  /** Standard deviation of a Normal(0, s) prior on each log inverse bandwidth; 0 = no prior. */
  readonly logWeightStd: number;
  readonly noiseGamma: boolean;
}

/**
 * Syne Tune has no prior on the inverse bandwidths, but with 30 of them and tens of points per level
 * the plain marginal likelihood overfits (weights run to their bounds; on NB201 the rank correlation
 * of predictions with held-out cells falls from about 0.5 to 0.2): a Normal(0, 1) prior on each log
 * weight keeps them near 1 unless the data insist.
 */
export const DEFAULT_GP_PRIORS: GpPriors = { logWeightStd: 1, noiseGamma: true };
const NOISE_PRIOR_SHAPE = 0.1;
const NOISE_PRIOR_RATE = 1; // mean = shape / rate = 0.1

export class IndependentGpLikelihood {
  private readonly unit: Float64Array;
  private readonly slope: Float64Array;
  private readonly covariance: Float64Array;
  private readonly factor: Float64Array;
  private readonly inverse: Float64Array;
  private readonly scratch: Float64Array;
  private readonly alpha: Float64Array;
  private readonly weightsSquared = new Float64Array(ONE_HOT_LENGTH);
  private readonly weightGradient = new Float64Array(ONE_HOT_LENGTH);

  constructor(readonly layout: IndependentGpLayout, readonly levels: readonly GpLevelData[], readonly priors: GpPriors = DEFAULT_GP_PRIORS) {
    if (levels.length !== layout.levelCount) throw new RangeError(`layout has ${layout.levelCount} levels, data ${levels.length}`);
    const maxSize = Math.max(1, ...levels.map((level) => level.size));
    const square = maxSize * maxSize;
    this.unit = new Float64Array(square);
    this.slope = new Float64Array(square);
    this.covariance = new Float64Array(square);
    this.factor = new Float64Array(square);
    this.inverse = new Float64Array(square);
    this.scratch = new Float64Array(square);
    this.alpha = new Float64Array(maxSize);
  }

  /** Objective to minimise (negative log marginal likelihood + negative log priors); fills `gradient` if given. */
  evaluate(theta: Float64Array, gradient?: Float64Array): number {
    const { layout } = this;
    this.layout.weightsSquared(theta, this.weightsSquared);
    if (gradient) {
      gradient.fill(0);
      this.weightGradient.fill(0);
    }
    const noise = Math.exp(theta[layout.noiseIndex]);
    let objective = 0;
    this.levels.forEach((level, r) => {
      if (level.size > 0) objective += this.levelTerm(level, r, theta, noise, gradient);
    });
    if (gradient) {
      for (let d = 0; d < ONE_HOT_LENGTH; d++) gradient[d] += 2 * this.weightsSquared[d] * this.weightGradient[d];
    }
    return objective + this.priorTerm(theta, gradient);
  }

  private levelTerm(level: GpLevelData, r: number, theta: Float64Array, noise: number, gradient?: Float64Array): number {
    const { layout, unit, slope, covariance, factor, alpha } = this;
    const n = level.size;
    const scale = Math.exp(theta[layout.logScaleIndex(r)]);
    const mean = theta[layout.meanIndex(r)];
    fillUnitKernel(level.ops, n, this.weightsSquared, unit, gradient ? slope : undefined);
    for (let i = 0; i < n; i++) {
      covariance[i * n + i] = scale + noise;
      for (let j = 0; j < i; j++) covariance[i * n + j] = scale * unit[i * n + j];
    }
    choleskyWithJitter(covariance, n, factor);
    for (let i = 0; i < n; i++) alpha[i] = level.targets[i] - mean;
    solveLowerInPlace(factor, n, alpha);
    // (y - mu)^T K^-1 (y - mu) = |L^-1 (y - mu)|^2, read off half-way through the solve.
    let fit = 0;
    for (let i = 0; i < n; i++) fit += alpha[i] * alpha[i];
    solveLowerTransposedInPlace(factor, n, alpha);
    const value = 0.5 * fit + 0.5 * logDeterminantFromCholesky(factor, n) + 0.5 * n * LOG_2PI;
    if (gradient) this.levelGradient(level, r, scale, noise, gradient);
    return value;
  }

  /** Accumulates 1/2 tr(W dK/dtheta) for this level's scale, mean, the noise and the shared weights. */
  private levelGradient(level: GpLevelData, r: number, scale: number, noise: number, gradient: Float64Array): void {
    const { layout, unit, slope, factor, inverse, alpha } = this;
    const n = level.size;
    inverseFromCholesky(factor, n, inverse, this.scratch);
    let traceW = 0;
    let unitProduct = 0;
    let alphaSum = 0;
    for (let i = 0; i < n; i++) {
      const wii = inverse[i * n + i] - alpha[i] * alpha[i];
      traceW += wii;
      unitProduct += wii;
      alphaSum += alpha[i];
      for (let j = 0; j < i; j++) {
        const wij = inverse[i * n + j] - alpha[i] * alpha[j];
        unitProduct += 2 * wij * unit[i * n + j];
        // Off-diagonal pairs count twice in the trace and the 1/2 cancels it.
        slope[i * n + j] *= scale * wij;
      }
    }
    accumulateOverDifferingDimensions(level.ops, n, slope, this.weightGradient);
    gradient[layout.logScaleIndex(r)] += 0.5 * scale * unitProduct;
    gradient[layout.meanIndex(r)] -= alphaSum;
    gradient[layout.noiseIndex] += 0.5 * noise * traceW;
  }

  private priorTerm(theta: Float64Array, gradient?: Float64Array): number {
    const { layout } = this;
    const logNoise = theta[layout.noiseIndex];
    const noise = Math.exp(logNoise);
    let value = 0;
    if (this.priors.noiseGamma) {
      value += -(NOISE_PRIOR_SHAPE - 1) * logNoise + NOISE_PRIOR_RATE * noise;
      if (gradient) gradient[layout.noiseIndex] += -(NOISE_PRIOR_SHAPE - 1) + NOISE_PRIOR_RATE * noise;
    }
    const sd = this.priors.logWeightStd;
    if (sd > 0) {
      for (let d = 0; d < ONE_HOT_LENGTH; d++) {
        value += (0.5 * theta[d] * theta[d]) / (sd * sd);
        if (gradient) gradient[d] += theta[d] / (sd * sd);
      }
    }
    for (let r = 0; r < layout.levelCount; r++) {
      const logScale = theta[layout.logScaleIndex(r)];
      value += logScale + 0.5 * logScale * logScale;
      if (gradient) gradient[layout.logScaleIndex(r)] += 1 + logScale;
    }
    return value;
  }
}
