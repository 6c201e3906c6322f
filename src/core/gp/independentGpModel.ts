/**
 * The independent-per-level GP model: hyperparameters fitted by maximising the marginal likelihood
 * (plus priors) over all levels at once, then one posterior per level on demand. A fit starts from
 * the previous optimum (warm start) and from `restarts` random points; the best run wins.
 */
import type { SeededRandom } from '../random/seededRandom';
import { minimizeInBox } from './boxedLbfgs';
import { GpPosterior } from './gpPosterior';
import { IndependentGpLayout, type GpLevelData, type LevelKernelParameters } from './gpParameters';
import { IndependentGpLikelihood } from './independentGpLikelihood';

export interface GpFitOptions {
  readonly maxIterations: number;
  /** Random starts besides the warm start. */
  readonly restarts: number;
}

export interface GpFitReport {
  /** Objective at the chosen hyperparameters (negative log marginal likelihood + priors). */
  readonly objective: number;
  readonly evaluations: number;
}

export class IndependentGpModel {
  readonly layout: IndependentGpLayout;
  private theta: Float64Array;
  private fitted = false;

  constructor(readonly levelCount: number) {
    this.layout = new IndependentGpLayout(levelCount);
    this.theta = this.layout.initial();
  }

  get isFitted(): boolean {
    return this.fitted;
  }

  /** A copy of the current flat hyperparameter vector. */
  get parameters(): Float64Array {
    return this.theta.slice();
  }

  set parameters(theta: Float64Array) {
    if (theta.length !== this.layout.length) throw new RangeError(`expected ${this.layout.length} parameters, got ${theta.length}`);
    this.theta = theta.slice();
    this.fitted = true;
  }

  /** Fits the hyperparameters to `levels` (one entry per level, possibly empty). */
  fit(levels: readonly GpLevelData[], rng: SeededRandom, options: GpFitOptions): GpFitReport {
    const likelihood = new IndependentGpLikelihood(this.layout, levels);
    const objective = (x: Float64Array, gradient: Float64Array) => likelihood.evaluate(x, gradient);
    const lower = this.layout.lowerBounds();
    const upper = this.layout.upperBounds();
    const starts = [this.theta];
    for (let i = 0; i < options.restarts; i++) starts.push(this.layout.randomStart(() => rng.next()));
    let best: Float64Array = this.theta;
    let bestValue = Infinity;
    let evaluations = 0;
    for (const start of starts) {
      const run = minimizeInBox(objective, start, lower, upper, { maxIterations: options.maxIterations });
      evaluations += run.evaluations;
      if (run.value < bestValue) {
        bestValue = run.value;
        best = run.x;
      }
    }
    this.theta = best.slice();
    this.fitted = true;
    return { objective: bestValue, evaluations };
  }

  levelParameters(level: number): LevelKernelParameters {
    return this.layout.levelParameters(this.theta, level);
  }

  /** Posterior of one level's GP on its training data, with pending cells as believers. */
  posterior(level: number, data: GpLevelData, pending?: Uint8Array): GpPosterior {
    return new GpPosterior(data, this.levelParameters(level), pending);
  }
}
