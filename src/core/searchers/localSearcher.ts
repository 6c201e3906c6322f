/**
 * Local search over one-edge neighbours (White et al. 2021, "Local search is state of the art for
 * NAS benchmarks"), with restarts. Words used below:
 * - run: the cells suggested since the last (re)start; run 0 starts with random designs;
 * - center: the best cell of the current run at the highest level where the run has results (ties
 *   broken at random); before any result, the cell the run restarted from;
 * - visited: suggested by this searcher or reported pending to it.
 * Each suggestion is an unvisited neighbour of the center, in random order; when the center has
 * none left (a local optimum) a new run restarts from the next cell of the initial design stream.
 */
import { neighbours } from '../nb201/cellMutation';
import { cellCode, cellFromCode, toArchString } from '../nb201/searchSpace';
import type { SeededRandom } from '../random/seededRandom';
import { BaselineSearcher, type Proposal } from './baselineSearcher';
import type { Observation } from './searcher';

interface LevelBest {
  error: number;
  /** Codes of the run's cells that share the best error at this level. */
  codes: number[];
}

export class LocalSearcher extends BaselineSearcher {
  readonly name = 'local';
  /** Run of every cell this searcher suggested. */
  private readonly runOf = new Map<number, number>();
  private currentRun = 0;
  /** Cell the current run restarted from; -1 for run 0 (random designs until results arrive). */
  private runStart = -1;
  private readonly runBest = new Map<number, LevelBest>();

  /** Code of the current center, or -1 while there is none (see class comment). */
  private centerCode(rng: SeededRandom): number {
    let top: LevelBest | undefined;
    let topEpoch = -Infinity;
    for (const [epoch, best] of this.runBest) {
      if (epoch > topEpoch) {
        topEpoch = epoch;
        top = best;
      }
    }
    if (!top) return this.runStart;
    return top.codes.length === 1 ? top.codes[0] : rng.pick(top.codes);
  }

  protected propose(rng: SeededRandom): Proposal {
    const center = this.centerCode(rng);
    if (center < 0) return { cell: this.nextDesignCell(rng), memo: this.currentRun, info: { source: 'random' } };
    const centerCell = cellFromCode(center);
    for (const neighbour of rng.shuffled(neighbours(centerCell))) {
      if (this.suggested.has(cellCode(neighbour))) continue;
      return { cell: neighbour, memo: this.currentRun, info: { source: 'neighbour', center: toArchString(centerCell) } };
    }
    return {
      cell: this.nextDesignCell(rng),
      memo: this.currentRun + 1,
      info: { source: 'restart', localOptimum: toArchString(centerCell) },
    };
  }

  protected override onSuggested(code: number, run: number): void {
    if (run > this.currentRun) {
      this.currentRun = run;
      this.runStart = code;
      this.runBest.clear();
    }
    this.runOf.set(code, run);
  }

  protected reset(): void {
    this.runOf.clear();
    this.currentRun = 0;
    this.runStart = -1;
    this.runBest.clear();
  }

  protected learn(observation: Observation): void {
    const { error, epoch } = observation;
    if (!Number.isFinite(error)) return;
    const code = cellCode(observation.cell);
    // Results of abandoned runs (and of cells the scheduler injected) do not move the center.
    if (this.runOf.get(code) !== this.currentRun) return;
    const best = this.runBest.get(epoch);
    if (!best) this.runBest.set(epoch, { error, codes: [code] });
    else if (error < best.error) {
      best.error = error;
      best.codes = [code];
    } else if (error === best.error && !best.codes.includes(code)) best.codes.push(code);
  }
}
