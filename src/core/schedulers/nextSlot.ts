/**
 * Syne Tune's rule for which synchronous bracket gets the next job, shared by synchronous Hyperband and
 * DEHB: the lowest-id active bracket with a free slot, else a newly opened bracket. Workers never wait.
 */

/** What the rule needs of a bracket. */
export interface SlotSource<Slot> {
  readonly isComplete: boolean;
  hasFreeSlot(): boolean;
  /** True when the next free slot wants a new config rather than a promoted or evolved one. */
  nextFreeSlotIsNew(): boolean;
  takeFreeSlot(newTrialId: number): Slot;
}

/** Index of the first bracket that is not complete (brackets complete in any order, so callers keep a cursor). */
export function firstActiveBracket(brackets: readonly SlotSource<unknown>[], from: number): number {
  let id = from;
  while (id < brackets.length && brackets[id].isComplete) id++;
  return id;
}

/**
 * The next slot, or null when there is none. Without `allowNewTrials`, slots that need a new config are
 * skipped and no bracket opens: only promotions are handed out.
 */
export function takeNextSlot<Slot, B extends SlotSource<Slot>>(
  brackets: readonly B[], first: number, newTrialId: number, allowNewTrials: boolean, openBracket: () => B,
): Slot | null {
  for (let id = first; id < brackets.length; id++) {
    const bracket = brackets[id];
    if (!bracket.hasFreeSlot()) continue;
    if (bracket.nextFreeSlotIsNew() && !allowNewTrials) continue;
    return bracket.takeFreeSlot(newTrialId);
  }
  return allowNewTrials ? openBracket().takeFreeSlot(newTrialId) : null;
}
