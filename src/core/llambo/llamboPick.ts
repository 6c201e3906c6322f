/** One cell the searcher decided to hand out, with where it came from and what the surrogate said. */
import type { Cell } from '../nb201/searchSpace';

export type PickSource = 'warmstart' | 'llambo' | 'random' | 'fallback-mutation' | 'fallback-random';

export interface CellPick {
  readonly cell: Cell;
  readonly source: PickSource;
  /** LLM calls that proposed or scored this cell. */
  readonly callIds: readonly string[];
  readonly predictedMean?: number;
  readonly predictedStd?: number;
  readonly ei?: number;
  /** Generative surrogate: probability of being in the top gamma fraction. */
  readonly pTop?: number;
  /** The surrogate gave too few predictions; mean/std were imputed. */
  readonly imputed?: boolean;
  /** Rank of the cell's acquisition score (EI or pTop) among the scored candidates (1 = best), and their number. */
  readonly scoreRank?: number;
  readonly candidates?: number;
}

export function isFallbackSource(source: PickSource): boolean {
  return source === 'fallback-mutation' || source === 'fallback-random';
}
