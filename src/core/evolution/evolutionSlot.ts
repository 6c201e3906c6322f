/**
 * What a scheduler that keeps an evolving population (DEHB) tells the searcher about the slot a new
 * trial fills. It lives below both layers so a scheduler can hand it out and a searcher can read it
 * without either importing the other; any scheduler with a population and any searcher that breeds
 * configs from parents can use it.
 */

/** How the config of a new slot is made: drawn at random, or bred from the slot's parents. */
export type EvolutionSlotOrigin = 'random' | 'evolve';

export interface EvolutionSlot {
  /** Rung of the slot in its bracket (0 = the bracket's first rung). */
  readonly rung: number;
  /** Index of the slot within its rung. */
  readonly slot: number;
  readonly origin: EvolutionSlotOrigin;
  /**
   * Candidate parents for mutation, as trial ids; -1 stands for "any known trial, at random" (a
   * parent slot with no result yet). Empty for a random slot.
   */
  readonly parents: readonly number[];
  /** The occupant of the slot's parent slot, the crossover target; -1 as in `parents`. */
  readonly target: number;
}
