/**
 * BOHB-style KDE searcher (Falkner et al. 2018; Syne Tune's MultiFidelityKernelDensityEstimator):
 * a TPE model fitted on the highest level that has enough results; a third of the suggestions
 * random; otherwise the best of 64 candidates drawn from l(x) by the ratio l(x) / g(x).
 */
import { cellCode, cellFromCode, NUM_CELLS, NUM_EDGES, type Cell } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { BaselineSearcher, type Proposal } from './baselineSearcher';
import { RankedLevel } from './rankedLevel';
import type { Observation } from './searcher';
import { GoodSetRule, TpeModel } from './tpeModel';

export interface KdeSearcherOptions {
  /** Share (percent) of a level's results that form the good set. */
  readonly topNPercent: number;
  /** Candidates drawn from l(x) per model-based suggestion. */
  readonly numCandidates: number;
  /** Share of suggestions drawn at random even when a model exists. */
  readonly randomFraction: number;
  /** Floor of the per-edge kernel bandwidth. */
  readonly minBandwidth: number;
  /** Fewest results in each of the good and bad sets; at least dimensions + 1 = 7 (BOHB). */
  readonly minPointsInModel: number;
}

export const KDE_SEARCHER_DEFAULTS: KdeSearcherOptions = {
  topNPercent: 15,
  numCandidates: 64,
  randomFraction: 1 / 3,
  minBandwidth: 1e-3,
  minPointsInModel: NUM_EDGES + 1,
};

export class KdeSearcher extends BaselineSearcher {
  readonly name = 'bohb';
  readonly options: KdeSearcherOptions;
  private readonly rule: GoodSetRule;
  private readonly levels = new Map<number, RankedLevel>();
  private readonly model: TpeModel;
  private readonly candidate: number[] = new Array(NUM_EDGES).fill(0);
  /** Round in which each cell was last scored: repeated candidates of one round are skipped. */
  private readonly scoredInRound = new Int32Array(NUM_CELLS);
  private round = 0;

  constructor(options: Partial<KdeSearcherOptions> = {}) {
    super();
    this.options = checkedOptions({ ...KDE_SEARCHER_DEFAULTS, ...options });
    this.rule = new GoodSetRule(this.options.topNPercent, this.options.minPointsInModel);
    this.model = new TpeModel(this.rule, this.options.minBandwidth);
  }

  /** Epoch of the level the current model was fitted on (undefined: no model yet). */
  get modelLevel(): number | undefined {
    return this.model.epoch;
  }

  protected propose(rng: SeededRandom): Proposal {
    if (this.model.epoch === undefined || rng.next() < this.options.randomFraction) {
      return { cell: this.nextDesignCell(rng), info: { source: 'random' } };
    }
    let bestRatio = -Infinity;
    let bestCode = -1;
    const round = ++this.round;
    for (let i = 0; i < this.options.numCandidates; i++) {
      const candidate = this.model.sampleCandidate(rng, this.candidate);
      const code = cellCode(candidate);
      if (this.scoredInRound[code] === round || this.suggested.has(code)) continue;
      this.scoredInRound[code] = round;
      const ratio = this.model.ratio(candidate);
      if (ratio > bestRatio) {
        bestRatio = ratio;
        bestCode = code;
      }
    }
    if (bestCode < 0) {
      // Every candidate was a cell already suggested (the good region is used up).
      return { cell: this.nextDesignCell(rng), info: { source: 'random', reason: 'no new candidate' } };
    }
    const cell: Cell = cellFromCode(bestCode);
    return { cell, info: { source: 'model', level: this.model.epoch, ratio: bestRatio } };
  }

  protected reset(): void {
    this.levels.clear();
    this.model.unfit();
  }

  protected learn(observation: Observation): void {
    if (!Number.isFinite(observation.error)) return;
    const { epoch } = observation;
    let level = this.levels.get(epoch);
    if (!level) {
      level = new RankedLevel(epoch);
      this.levels.set(epoch, level);
    }
    const rank = level.insert(cellCode(observation.cell), observation.error);
    const modelEpoch = this.model.epoch;
    if (modelEpoch === epoch) this.model.inserted(rank);
    else if ((modelEpoch === undefined || epoch > modelEpoch) && this.rule.canFit(level.size)) this.model.fitTo(level);
  }
}

function checkedOptions(options: KdeSearcherOptions): KdeSearcherOptions {
  const { topNPercent, numCandidates, randomFraction, minBandwidth, minPointsInModel } = options;
  const fail = (what: string, value: number) => {
    throw new RangeError(`bohb option ${what} (got ${value})`);
  };
  if (!(topNPercent > 0 && topNPercent < 100)) fail('topNPercent must be in (0, 100)', topNPercent);
  if (!(Number.isInteger(numCandidates) && numCandidates >= 1)) fail('numCandidates must be an integer >= 1', numCandidates);
  if (!(randomFraction >= 0 && randomFraction <= 1)) fail('randomFraction must be in [0, 1]', randomFraction);
  if (!(minBandwidth > 0 && minBandwidth < 1)) fail('minBandwidth must be in (0, 1)', minBandwidth);
  if (!(Number.isInteger(minPointsInModel) && minPointsInModel > NUM_EDGES)) {
    fail(`minPointsInModel must be an integer > ${NUM_EDGES} (the number of edges)`, minPointsInModel);
  }
  return options;
}
