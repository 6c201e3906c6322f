/**
 * Drives a searcher the way synchronous Hyperband does in tests: fill one rung slot by slot
 * (slotsRemaining counting down), report each new cell's errors at the given levels. Errors come from
 * a synthetic truth function (not NB201 data): fewer convolutions and more disconnection = worse.
 */
import type { Searcher, SearcherContext, SearcherNotice, Suggestion } from '../../src/core/searchers/searcher';
import { isDisconnected } from '../../src/core/nb201/cellGraph';
import { cellCode, type Cell } from '../../src/core/nb201/searchSpace';
import { SeededRandom } from '../../src/core/random/seededRandom';

/** Synthetic error of a cell after `epoch` of 200 epochs: conv3x3 edges help, pools hurt, disconnected = 0.9. */
export function syntheticError(cell: Cell, epoch: number): number {
  if (isDisconnected(cell)) return 0.9;
  const conv3 = cell.filter((op) => op === 3).length;
  const conv1 = cell.filter((op) => op === 2).length;
  const pool = cell.filter((op) => op === 4).length;
  const final = Math.min(0.85, 0.055 + 0.02 * (6 - conv3) - 0.005 * conv1 + 0.01 * pool + 0.002 * (cellCode(cell) % 7));
  const left = 1 - epoch / 200;
  return final + (0.9 - final) * left * left;
}

export interface HarnessContext {
  readonly context: SearcherContext;
  readonly notices: SearcherNotice[];
}

export function makeContext(options: { seed?: number; rungLevels?: readonly number[]; isoClassOf?: (cell: Cell) => number } = {}): HarnessContext {
  const notices: SearcherNotice[] = [];
  const master = new SeededRandom(options.seed ?? 1);
  const rungLevels = options.rungLevels ?? [1, 3, 9, 27, 81, 200];
  return {
    notices,
    context: {
      rng: master.derive('searcher'),
      initialDesignRng: master.derive('initial-design'),
      rungLevels,
      maxEpoch: rungLevels[rungLevels.length - 1],
      isoClassOf: options.isoClassOf ?? ((cell) => cellCode(cell)),
      emit: (notice) => notices.push(notice),
    },
  };
}

export interface RungFill {
  readonly suggestions: Suggestion[];
  readonly nextTrialId: number;
}

/** Asks for `k` cells of one rung and reports each at `reportLevels` (in order) right after it is pending. */
export async function fillRung(
  searcher: Searcher, options: { bracket: number; level: number; k: number; firstTrialId: number; reportLevels?: readonly number[]; truth?: (cell: Cell, epoch: number) => number },
): Promise<RungFill> {
  const truth = options.truth ?? syntheticError;
  const suggestions: Suggestion[] = [];
  let trialId = options.firstTrialId;
  for (let slot = 0; slot < options.k; slot++, trialId++) {
    const suggestion = await searcher.suggest({ trialId, bracket: options.bracket, level: options.level, slotsRemaining: options.k - slot, time: 0 });
    suggestions.push(suggestion);
    searcher.onPending(trialId, suggestion.cell);
    for (const epoch of options.reportLevels ?? []) searcher.onResult({ trialId, cell: suggestion.cell, epoch, error: truth(suggestion.cell, epoch) });
  }
  return { suggestions, nextTrialId: trialId };
}
