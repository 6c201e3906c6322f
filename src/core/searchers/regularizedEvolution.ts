/**
 * Regularized evolution (Real et al. 2019; Syne Tune's RegularizedEvolution): random cells until the
 * population is full, then tournament selection of a parent and a one-edge mutation of it; the
 * oldest member leaves as each new one arrives.
 */
import { cellCode, cellFromCode, toArchString } from '../nb201/searchSpace';
import { neighbours } from '../nb201/cellMutation';
import type { SeededRandom } from '../random/seededRandom';
import { BaselineSearcher, type Proposal } from './baselineSearcher';
import type { Observation } from './searcher';

export interface EvolutionOptions {
  /** Members kept; the oldest is dropped beyond this. */
  readonly populationSize: number;
  /** Members drawn (with replacement) per tournament; the best becomes the parent. */
  readonly sampleSize: number;
}

export const EVOLUTION_DEFAULTS: EvolutionOptions = { populationSize: 100, sampleSize: 10 };

/** One member of the population: a trial and the latest error it reported. */
export interface PopulationMember {
  readonly trialId: number;
  readonly code: number;
  readonly error: number;
}

/**
 * Multi-fidelity: a member is a trial with the latest error it reported; a new result of a member
 * updates its error and makes it the youngest (results are used as they arrive, as in Syne Tune).
 */
export class RegularizedEvolutionSearcher extends BaselineSearcher {
  readonly name = 'rea';
  readonly options: EvolutionOptions;
  /** Map insertion order = age, oldest first. */
  private readonly population = new Map<number, PopulationMember>();

  constructor(options: Partial<EvolutionOptions> = {}) {
    super();
    this.options = { ...EVOLUTION_DEFAULTS, ...options };
    const { populationSize, sampleSize } = this.options;
    if (!(Number.isInteger(populationSize) && populationSize >= 1)) throw new RangeError(`rea option populationSize must be an integer >= 1 (got ${populationSize})`);
    if (!(Number.isInteger(sampleSize) && sampleSize >= 1)) throw new RangeError(`rea option sampleSize must be an integer >= 1 (got ${sampleSize})`);
  }

  /** Current members, oldest first (for tests and inspection). */
  members(): readonly PopulationMember[] {
    return [...this.population.values()];
  }

  protected propose(rng: SeededRandom): Proposal {
    if (this.population.size < this.options.populationSize) {
      return { cell: this.nextDesignCell(rng), info: { source: 'random' } };
    }
    const parent = this.tournament(rng);
    const parentCell = cellFromCode(parent.code);
    // All one-edge mutations in random order: the first new one is a uniform mutation among new cells.
    for (const child of rng.shuffled(neighbours(parentCell))) {
      if (this.suggested.has(cellCode(child))) continue;
      return { cell: child, info: { source: 'mutation', parentTrialId: parent.trialId, parent: toArchString(parentCell) } };
    }
    return { cell: this.nextDesignCell(rng), info: { source: 'random', reason: 'all mutations of the parent already suggested' } };
  }

  protected reset(): void {
    this.population.clear();
  }

  protected learn(observation: Observation): void {
    if (!Number.isFinite(observation.error)) return;
    const { trialId } = observation;
    this.population.delete(trialId);
    this.population.set(trialId, { trialId, code: cellCode(observation.cell), error: observation.error });
    if (this.population.size > this.options.populationSize) {
      this.population.delete(this.population.keys().next().value!);
    }
  }

  private tournament(rng: SeededRandom): PopulationMember {
    const members = [...this.population.values()];
    let best = members[rng.int(members.length)];
    for (let i = 1; i < this.options.sampleSize; i++) {
      const contender = members[rng.int(members.length)];
      if (contender.error < best.error) best = contender;
    }
    return best;
  }
}
