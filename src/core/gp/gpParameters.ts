/**
 * The hyperparameters of the independent-per-level GP (Syne Tune's IndependentGPPerResourceModel):
 * inverse bandwidths shared by every level, a constant mean and a covariance scale per level, one
 * noise variance for all. The optimiser sees them as one flat vector, positive ones in log space:
 *   [log w_0 .. log w_29 | log c_0, mu_0, log c_1, mu_1, ... | log noise]
 */
import { ONE_HOT_LENGTH } from './categoricalMatern52';

/** Training data of one level: `size` cells (NUM_EDGES op indices each) and standardised targets. */
export interface GpLevelData {
  readonly ops: Uint8Array;
  readonly targets: Float64Array;
  readonly size: number;
}

/** The GP of one level, read off the flat vector. */
export interface LevelKernelParameters {
  /** Squared inverse bandwidths (shared). */
  readonly weightsSquared: Float64Array;
  readonly scale: number;
  readonly mean: number;
  readonly noise: number;
}

// Bounds after Syne Tune's gpautograd constants, noise floored higher: targets are standardised,
// and a near-zero noise only buys ill-conditioned matrices.
const LOG_WEIGHT = [Math.log(1e-4), Math.log(100)] as const;
const LOG_SCALE = [Math.log(1e-3), Math.log(1e3)] as const;
const MEAN = [-10, 10] as const;
const LOG_NOISE = [Math.log(1e-6), Math.log(10)] as const;
const INITIAL_NOISE = 1e-3;

export class IndependentGpLayout {
  readonly length: number;
  readonly noiseIndex: number;

  constructor(readonly levelCount: number) {
    if (!(Number.isInteger(levelCount) && levelCount >= 1)) throw new RangeError(`need at least one level, got ${levelCount}`);
    this.noiseIndex = ONE_HOT_LENGTH + 2 * levelCount;
    this.length = this.noiseIndex + 1;
  }

  logScaleIndex(level: number): number {
    return ONE_HOT_LENGTH + 2 * level;
  }

  meanIndex(level: number): number {
    return ONE_HOT_LENGTH + 2 * level + 1;
  }

  /** Syne Tune's initial values: unit bandwidths and scales, zero means, noise 1e-3. */
  initial(): Float64Array {
    const theta = new Float64Array(this.length);
    theta[this.noiseIndex] = Math.log(INITIAL_NOISE);
    return theta;
  }

  lowerBounds(): Float64Array {
    return this.bounds(0);
  }

  upperBounds(): Float64Array {
    return this.bounds(1);
  }

  /** A random start for a restart of the optimiser: log-uniform weights and scales within a decade of 1. */
  randomStart(draw: () => number): Float64Array {
    const theta = this.initial();
    for (let d = 0; d < ONE_HOT_LENGTH; d++) theta[d] = Math.log(10) * (2 * draw() - 1);
    for (let r = 0; r < this.levelCount; r++) theta[this.logScaleIndex(r)] = Math.log(10) * (2 * draw() - 1);
    theta[this.noiseIndex] = Math.log(1e-4) + Math.log(1e3) * draw();
    return theta;
  }

  /** Squared inverse bandwidths of `theta` into `out`. */
  weightsSquared(theta: Float64Array, out: Float64Array = new Float64Array(ONE_HOT_LENGTH)): Float64Array {
    for (let d = 0; d < ONE_HOT_LENGTH; d++) out[d] = Math.exp(2 * theta[d]);
    return out;
  }

  levelParameters(theta: Float64Array, level: number): LevelKernelParameters {
    return {
      weightsSquared: this.weightsSquared(theta),
      scale: Math.exp(theta[this.logScaleIndex(level)]),
      mean: theta[this.meanIndex(level)],
      noise: Math.exp(theta[this.noiseIndex]),
    };
  }

  private bounds(side: 0 | 1): Float64Array {
    const out = new Float64Array(this.length);
    out.fill(LOG_WEIGHT[side], 0, ONE_HOT_LENGTH);
    for (let r = 0; r < this.levelCount; r++) {
      out[this.logScaleIndex(r)] = LOG_SCALE[side];
      out[this.meanIndex(r)] = MEAN[side];
    }
    out[this.noiseIndex] = LOG_NOISE[side];
    return out;
  }
}
