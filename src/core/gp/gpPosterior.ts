/**
 * The posterior of one level's GP at given hyperparameters: mean and variance of the latent f(x) for
 * any cell. Optional *pending* cells (being evaluated, no result yet) are conditioned on as if they
 * had returned their posterior mean ("kriging believer"): the mean stays the same everywhere, the
 * variance near them shrinks, so a batch of suggestions spreads out instead of piling up.
 */
import { NUM_EDGES as EDGE_COUNT } from '../nb201/searchSpace';
import { fillKernelColumn, fillUnitKernel } from './categoricalMatern52';
import { choleskyWithJitter, solveLowerInPlace, solveLowerTransposedInPlace } from './cholesky';
import type { GpLevelData, LevelKernelParameters } from './gpParameters';

// Module-local copy: read per prediction, and an imported binding may compile to a getter call.
const NUM_EDGES = EDGE_COUNT;

export interface Prediction {
  mean: number;
  variance: number;
}

/** Variance floor: keeps the standard deviation of an observed cell positive. */
const MIN_VARIANCE = 1e-12;

export class GpPosterior {
  /** Training cells, then pending cells, NUM_EDGES op indices each. */
  private readonly ops: Uint8Array;
  private readonly total: number;
  private readonly factor: Float64Array;
  private readonly alpha: Float64Array;
  private readonly k: Float64Array;
  /** The cell being predicted, copied so the kernel loop always reads one array type. */
  private readonly cell = new Uint8Array(NUM_EDGES);

  constructor(readonly data: GpLevelData, readonly parameters: LevelKernelParameters, pending: Uint8Array = new Uint8Array(0)) {
    const n = data.size;
    const m = pending.length / NUM_EDGES;
    if (!Number.isInteger(m)) throw new RangeError('pending cells must be packed NUM_EDGES ops each');
    const total = n + m;
    this.total = total;
    this.ops = new Uint8Array(total * NUM_EDGES);
    this.ops.set(data.ops.subarray(0, n * NUM_EDGES));
    this.ops.set(pending, n * NUM_EDGES);
    const { scale, noise, weightsSquared } = parameters;
    const covariance = new Float64Array(total * total);
    fillUnitKernel(this.ops, total, weightsSquared, covariance);
    for (let i = 0; i < total; i++) {
      covariance[i * total + i] = scale + noise;
      for (let j = 0; j < i; j++) covariance[i * total + j] *= scale;
    }
    this.factor = new Float64Array(total * total);
    choleskyWithJitter(covariance, total, this.factor);
    // The leading n x n block of the joint factor is the factor of the training cells alone, so
    // alpha = K_XX^-1 (y - mu) comes from it and ignores the pending cells, as a believer should.
    this.alpha = new Float64Array(n);
    for (let i = 0; i < n; i++) this.alpha[i] = data.targets[i] - parameters.mean;
    solveLowerInPlace(this.factor, total, this.alpha, n);
    solveLowerTransposedInPlace(this.factor, total, this.alpha, n);
    this.k = new Float64Array(total);
  }

  /** Posterior mean of f at cell `index` of `cells` (cheaper than `predict`: no variance). */
  predictMean(cells: ArrayLike<number>, index: number): number {
    const { k, alpha, parameters } = this;
    const n = this.data.size;
    fillKernelColumn(this.ops, n, this.load(cells, index), parameters.weightsSquared, parameters.scale, k);
    let mean = parameters.mean;
    for (let i = 0; i < n; i++) mean += k[i] * alpha[i];
    return mean;
  }

  /** Posterior of f at cell `index` of `cells` (packed op indices), written into `out`. */
  predict(cells: ArrayLike<number>, index: number, out: Prediction): Prediction {
    const { k, total, alpha, parameters } = this;
    const n = this.data.size;
    const { scale, weightsSquared } = parameters;
    fillKernelColumn(this.ops, total, this.load(cells, index), weightsSquared, scale, k);
    let mean = parameters.mean;
    for (let i = 0; i < n; i++) mean += k[i] * alpha[i];
    solveLowerInPlace(this.factor, total, k);
    let explained = 0;
    for (let i = 0; i < total; i++) explained += k[i] * k[i];
    out.mean = mean;
    out.variance = Math.max(MIN_VARIANCE, scale - explained);
    return out;
  }

  private load(cells: ArrayLike<number>, index: number): Uint8Array {
    for (let e = 0; e < NUM_EDGES; e++) this.cell[e] = cells[index * NUM_EDGES + e];
    return this.cell;
  }
}
