/**
 * SyncMOBSTER's searcher (Klein et al. 2020; Syne Tune's SyncMOBSTER = synchronous Hyperband with
 * searcher "bayesopt"), with the independent-per-level GP model: one GP per rung level over the
 * one-hot encoded cell, sharing a Matérn 5/2 ARD kernel, each level with its own mean and scale.
 * A new config maximises expected improvement over the incumbent at the acquisition level, the
 * highest rung level with at least `minPointsAtLevel` results (Syne Tune's "bohb" rule).
 *
 * Hyperparameters maximise the marginal likelihood plus priors (gp/independentGpLikelihood.ts) by
 * L-BFGS; EI is maximised over random cells, neighbours of the best cells and a local search.
 *
 * Cost control: each level's training set is capped (mobsterLevelObservations.ts); hyperparameters
 * are refitted, warm-started, only when the capped training sets have grown by `refitGrowth` or a
 * cap's worth of new results has arrived. Fits happen as results arrive (in `learn`), so they depend
 * only on the result sequence and a restored searcher replays them exactly.
 */
import * as z from 'zod';
import { expectedImprovement } from '../gp/expectedImprovement';
import { IndependentGpModel } from '../gp/independentGpModel';
import type { GpLevelData } from '../gp/gpParameters';
import type { Prediction } from '../gp/gpPosterior';
import { cellCode, cellFromCode, NUM_EDGES, NUM_OPS } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { BaselineSearcher, type Proposal } from './baselineSearcher';
import { AcquisitionSearch, cellOpsByCode } from './mobsterAcquisition';
import { MobsterLevelObservations } from './mobsterLevelObservations';
import type { Observation, SuggestRequest } from './searcher';

export interface MobsterOptions {
  /** Suggestions drawn from the shared initial design before the model is used (Syne Tune: 6). */
  readonly initialRandom: number;
  /** Results a level needs to be the acquisition level. */
  readonly minPointsAtLevel: number;
  /** Training-set cap per level (fit and posterior). */
  readonly maxPointsPerLevel: number;
  readonly randomCandidates: number;
  /** Best observed cells at the acquisition level whose neighbours are candidates. */
  readonly neighbourSeeds: number;
  readonly localSearchStarts: number;
  readonly localSearchSteps: number;
  /**
   * Refit when the training sets (capped) have grown by this factor since the last fit, or when as
   * many new results as one level's cap have arrived (the capped sets change members, not size).
   */
  readonly refitGrowth: number;
  readonly fitIterations: number;
  /** Random restarts of the first fit (later fits warm-start from the previous optimum). */
  readonly firstFitRestarts: number;
  /**
   * Cells pending at the acquisition level (suggested for a bracket whose first rung is that level,
   * no result there yet) condition its posterior as believers: Syne Tune fantasizes pending
   * evaluations at their level, and with independent levels only the same level feels them.
   */
  readonly pendingBelievers: boolean;
}

export const MOBSTER_DEFAULTS: MobsterOptions = {
  initialRandom: 6,
  minPointsAtLevel: 3,
  maxPointsPerLevel: 32,
  randomCandidates: 500,
  neighbourSeeds: 5,
  localSearchStarts: 3,
  localSearchSteps: 10,
  refitGrowth: 1.2,
  fitIterations: 50,
  firstFitRestarts: 2,
  pendingBelievers: true,
};

export const mobsterOptionsSchema = z.object({
  initialRandom: z.int().min(0),
  minPointsAtLevel: z.int().min(1),
  maxPointsPerLevel: z.int().min(4),
  randomCandidates: z.int().min(0),
  neighbourSeeds: z.int().min(0),
  localSearchStarts: z.int().min(1),
  localSearchSteps: z.int().min(0),
  refitGrowth: z.number().min(1),
  fitIterations: z.int().min(1),
  firstFitRestarts: z.int().min(0),
  pendingBelievers: z.boolean(),
}).partial();

/** Pending cells conditioned on at most (the latest ones). */
const MAX_PENDING = 16;

export class MobsterSearcher extends BaselineSearcher {
  readonly name = 'mobster';
  readonly options: MobsterOptions;
  private levels: MobsterLevelObservations[] = [];
  private readonly levelOfEpoch = new Map<number, number>();
  private model?: IndependentGpModel;
  /** Training points (sum of capped level sizes) at the last fit, and results since. */
  private trainingAtFit = 0;
  private resultsSinceFit = 0;
  private fits = 0;
  private proposals = 0;
  /** Suggested cells whose trial has no result at its first rung yet, with that rung's level. */
  private readonly pending = new Map<number, number>();
  private readonly search = new AcquisitionSearch();
  private readonly prediction: Prediction = { mean: 0, variance: 0 };

  constructor(options: Partial<MobsterOptions> = {}) {
    super();
    const parsed = mobsterOptionsSchema.safeParse(options, { jitless: true }); // parsed once: no compiled fast path
    if (!parsed.success) throw new RangeError(`mobster options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.options = { ...MOBSTER_DEFAULTS, ...parsed.data };
  }

  /** Hyperparameter fits so far (for tests and reports). */
  get fitCount(): number {
    return this.fits;
  }

  /** Epoch of the level EI is computed at right now (undefined: no level has enough results). */
  get acquisitionLevel(): number | undefined {
    const index = this.acquisitionIndex();
    return index < 0 ? undefined : this.levels[index].epoch;
  }

  protected propose(rng: SeededRandom, request: SuggestRequest): Proposal {
    const index = this.proposals < this.options.initialRandom || !this.model?.isFitted ? -1 : this.acquisitionIndex();
    if (index < 0) return { cell: this.nextDesignCell(rng), memo: request.level, info: { source: 'random' } };
    const model = this.model!;
    const training = this.levels[index].trainingSet(this.options.maxPointsPerLevel);
    const epoch = this.levels[index].epoch;
    const posterior = model.posterior(index, training.data, this.options.pendingBelievers ? this.pendingOps(epoch) : undefined);
    const best = (training.bestError - training.center) / training.spread;
    const prediction = this.prediction;
    // The posterior variance never exceeds the prior's, and EI grows with the variance.
    const priorStd = Math.sqrt(posterior.parameters.scale);
    const cellOps = cellOpsByCode();
    const scorer = {
      bound: (code: number) => expectedImprovement(posterior.predictMean(cellOps, code), priorStd, best),
      score: (code: number) => {
        posterior.predict(cellOps, code, prediction);
        return expectedImprovement(prediction.mean, Math.sqrt(prediction.variance), best);
      },
    };
    const seeds = this.levels[index].bestCodes(this.options.neighbourSeeds);
    const pick = this.search.run(scorer, (code) => this.suggested.has(code), seeds, rng, this.options);
    if (!pick) return { cell: this.nextDesignCell(rng), memo: request.level, info: { source: 'random', reason: 'no candidate left' } };
    const cell = cellFromCode(pick.code);
    posterior.predict(cell, 0, prediction);
    return {
      cell,
      memo: request.level,
      info: {
        source: 'model', level: epoch,
        mean: training.center + training.spread * prediction.mean,
        std: training.spread * Math.sqrt(prediction.variance),
        ei: training.spread * pick.score,
        scored: pick.scored,
        bounded: pick.bounded,
      },
    };
  }

  protected override onSuggested(code: number, memo: number): void {
    this.proposals++;
    if (memo >= 0) this.pending.set(code, memo);
  }

  protected learn(observation: Observation): void {
    const code = cellCode(observation.cell);
    const pendingLevel = this.pending.get(code);
    if (pendingLevel !== undefined && observation.epoch >= pendingLevel) this.pending.delete(code);
    const index = this.levelOfEpoch.get(observation.epoch);
    if (index === undefined || !Number.isFinite(observation.error)) return;
    this.levels[index].add(code, observation.error);
    this.resultsSinceFit++;
    if (this.fitDue()) this.fit();
  }

  protected override noteFailure(_trialId: number, code: number): void {
    this.pending.delete(code);
  }

  protected reset(): void {
    const levels = this.context.rungLevels;
    this.levels = levels.map((epoch) => new MobsterLevelObservations(epoch));
    this.levelOfEpoch.clear();
    levels.forEach((epoch, index) => this.levelOfEpoch.set(epoch, index));
    this.model = new IndependentGpModel(levels.length);
    this.trainingAtFit = 0;
    this.resultsSinceFit = 0;
    this.fits = 0;
    this.proposals = 0;
    this.pending.clear();
  }

  private fit(): void {
    const { maxPointsPerLevel, fitIterations, firstFitRestarts } = this.options;
    const data: GpLevelData[] = this.levels.map((level) => (level.size > 0 ? level.trainingSet(maxPointsPerLevel).data : EMPTY_LEVEL));
    const rng = this.context.rng.derive(`fit/${this.fits}`);
    this.model!.fit(data, rng, { maxIterations: fitIterations, restarts: this.fits === 0 ? firstFitRestarts : 0 });
    this.fits++;
    this.trainingAtFit = this.trainingSize();
    this.resultsSinceFit = 0;
  }

  private fitDue(): boolean {
    const { minPointsAtLevel, refitGrowth, maxPointsPerLevel } = this.options;
    const size = this.trainingSize();
    if (this.fits === 0) return size >= Math.max(2, minPointsAtLevel);
    return size >= this.trainingAtFit * refitGrowth || this.resultsSinceFit >= maxPointsPerLevel;
  }

  private trainingSize(): number {
    let size = 0;
    for (const level of this.levels) size += Math.min(level.size, this.options.maxPointsPerLevel);
    return size;
  }

  /** Highest level with enough results, or -1. */
  private acquisitionIndex(): number {
    for (let index = this.levels.length - 1; index >= 0; index--) {
      if (this.levels[index].size >= this.options.minPointsAtLevel) return index;
    }
    return -1;
  }

  /** Op indices of the latest cells pending at `epoch`, packed. */
  private pendingOps(epoch: number): Uint8Array {
    const codes = [...this.pending].filter(([, level]) => level === epoch).map(([code]) => code).slice(-MAX_PENDING);
    const ops = new Uint8Array(codes.length * NUM_EDGES);
    codes.forEach((code, row) => {
      for (let e = 0; e < NUM_EDGES; e++) {
        ops[row * NUM_EDGES + e] = code % NUM_OPS;
        code = Math.floor(code / NUM_OPS);
      }
    });
    return ops;
  }
}

const EMPTY_LEVEL: GpLevelData = { ops: new Uint8Array(0), targets: new Float64Array(0), size: 0 };
