/**
 * DEHB (Awad, Mallik, Hutter 2021) as synchronous Hyperband, after Syne Tune's
 * GeometricDifferentialEvolutionHyperbandScheduler. The scheduler owns the brackets, the parent
 * lookups and the parent-vs-child selection; the configs of new trials come from `DehbSearcher`,
 * which gets each new trial's slot, parent pool and crossover target with the job
 * (`NewTrialJob.evolution`, see evolutionSlot.ts), so neither holds a reference to the other.
 *
 * - Bracket b is the tail of bracket 0 from rung b (see dehbBrackets.ts); types cycle as they open.
 * - Only the study's first bracket pauses trials and resumes the best (Hyperband promotion); every
 *   other slot, in any rung, starts a fresh trial trained from scratch to the rung's level.
 * - A slot's *parent* is the slot with the same index at the same level in an earlier bracket that
 *   has a result. A slot is evolved (DE) when it is above a first rung, or on a first rung with a
 *   parent; the child then competes with the parent's occupant and the better keeps the slot.
 */
import type { EvolutionSlot, EvolutionSlotOrigin } from '../evolution/evolutionSlot';
import { DehbBracket, type DehbBracketSlot } from './dehbBracket';
import { dehbBracketShapes, parentRungOf } from './dehbBrackets';
import { firstActiveBracket, takeNextSlot } from './nextSlot';
import { levelsOfBrackets, type BracketShape } from './rungSystem';
import type { Job, LedgerEntry, Scheduler, SchedulerOptions, TrialDecision } from './scheduler';

/** How the config of a slot is made: drawn at random, evolved by DE, or a resumed (promoted) trial. */
export type DehbSlotOrigin = EvolutionSlotOrigin | 'promotion';

export interface DehbSlot extends DehbBracketSlot {
  readonly origin: DehbSlotOrigin;
}

/** Parents DE's rand/1 mutation needs. */
const PARENTS_PER_MUTATION = 3;

export class DehbScheduler implements Scheduler {
  readonly kind = 'dehb' as const;
  readonly rungLevels: readonly number[];
  readonly shapes: readonly BracketShape[];
  private readonly brackets: DehbBracket[] = [];
  private primary = 0;
  private ledger: LedgerEntry[] = [];
  private readonly slotOfTrial: (DehbSlot | undefined)[] = [];
  /** Trials with a finite result of their own at each level, in arrival order (global parent pools). */
  private readonly poolOfLevel = new Map<number, number[]>();
  /** Rung index of each level in bracket 0's ladder. */
  private readonly rungOfLevel = new Map<number, number>();
  private selectionsSkipped = 0;

  constructor(readonly options: SchedulerOptions) {
    this.shapes = dehbBracketShapes(options.rMin, options.eta, options.rMax);
    this.rungLevels = levelsOfBrackets(this.shapes);
    this.shapes[0].forEach((rung, k) => {
      this.rungOfLevel.set(rung.level, k);
      this.poolOfLevel.set(rung.level, []);
    });
  }

  /** Selections skipped because the parent slot had no result any more (never expected). */
  get skippedSelections(): number {
    return this.selectionsSkipped;
  }

  get openedCount(): number {
    return this.brackets.length;
  }

  nextJob(newTrialId: number, allowNewTrials: boolean): Job | null {
    const taken = this.takeSlot(newTrialId, allowNewTrials);
    if (!taken) return null;
    const slot: DehbSlot = { ...taken, origin: this.originOf(taken) };
    if (this.slotOfTrial[slot.trialId]) throw new Error(`trial ${slot.trialId} already fills a slot`);
    this.slotOfTrial[slot.trialId] = slot;
    if (!slot.isNew) {
      return { kind: 'resume', trialId: slot.trialId, bracket: slot.bracket, fromEpoch: slot.fromLevel, untilEpoch: slot.level };
    }
    // +1: the slot just handed out is one of the configs the rung still needs.
    const slotsRemaining = this.brackets[slot.bracket].newSlotsRemaining() + 1;
    return { kind: 'new', trialId: slot.trialId, bracket: slot.bracket, level: slot.level, slotsRemaining, evolution: this.evolutionSlotOf(slot) };
  }

  onResult(trialId: number, epoch: number, error: number): TrialDecision {
    const slot = this.slotOfTrial[trialId];
    if (!slot) throw new Error(`result for trial ${trialId}, which fills no slot`);
    const failed = Number.isNaN(error);
    if (!failed && epoch < slot.level) return 'continue';
    if (!failed && epoch !== slot.level) throw new Error(`trial ${trialId} went past its level ${slot.level} (epoch ${epoch})`);
    this.slotOfTrial[trialId] = undefined;
    if (!failed) this.poolOfLevel.get(slot.level)!.push(trialId);
    let occupant = trialId;
    let occupantError = error;
    if (slot.origin === 'evolve') {
      // The parent is looked up again: a slot filled since the child was made is the fresher rival.
      const parent = this.parentSlot(slot.bracket, slot.level, slot.slot);
      if (!parent) {
        this.selectionsSkipped++;
      } else {
        const parentError = parent.bracket.occupantErrorAt(parent.rung, slot.slot);
        if (!isBetter(error, parentError)) {
          occupant = parent.bracket.occupantAt(parent.rung, slot.slot);
          occupantError = parentError;
        }
      }
    }
    const bracket = this.brackets[slot.bracket];
    for (const entry of bracket.onResult(slot, error, occupant, occupantError)) this.ledger.push(entry);
    if (failed || !bracket.promotes) return 'stop';
    return slot.rung === bracket.rungs.length - 1 ? 'stop' : 'pause';
  }

  takeLedger(): readonly LedgerEntry[] {
    if (this.ledger.length === 0) return NOTHING;
    return this.ledger.splice(0, this.ledger.length);
  }

  /** The slot a trial is filling (from nextJob until its result at the slot's level). */
  pendingSlot(trialId: number): DehbSlot | undefined {
    return this.slotOfTrial[trialId];
  }

  /** Winner of the selection held by a slot (trial id and its error at the level), or null before its result. */
  populationAt(bracket: number, rung: number, slot: number): { trialId: number; error: number } | null {
    const holder = this.brackets[bracket];
    const trialId = holder?.occupantAt(rung, slot) ?? -1;
    return trialId < 0 ? null : { trialId, error: holder.occupantErrorAt(rung, slot) };
  }

  /** Occupant of the parent slot (same level and index, nearest earlier bracket with a result), or -1. */
  parentOccupant(bracket: number, level: number, slot: number): number {
    const parent = this.parentSlot(bracket, level, slot);
    return parent ? parent.bracket.occupantAt(parent.rung, slot) : -1;
  }

  /**
   * Where DE draws the parents of a new trial from: on a first rung the parent slots of the whole
   * rung (slot by slot), above it the best occupants of the rung below (as many as the rung has
   * slots). Pools under 3 are topped up with every trial that reached this level, then other levels
   * from the highest down (Syne Tune's global parent pools).
   */
  mutationPool(slot: DehbSlot): number[] {
    const bracket = this.brackets[slot.bracket];
    const size = bracket.currentRungSize();
    const local = Array.from({ length: size }, (_, position) => (slot.rung === 0
      ? this.parentOccupant(slot.bracket, slot.level, position)
      : bracket.rankedOccupantBelow(position)));
    if (size >= PARENTS_PER_MUTATION) return local;
    let extra = this.poolOfLevel.get(slot.level)!.slice();
    const levels = [...this.rungOfLevel.keys()].sort((a, b) => b - a);
    for (const level of levels) {
      if (size + extra.length >= PARENTS_PER_MUTATION) break;
      if (level !== slot.level) extra = extra.concat(this.poolOfLevel.get(level)!);
    }
    return local.concat(extra);
  }

  /** What the searcher needs to make the config of a new slot: its parents when it is evolved. */
  private evolutionSlotOf(slot: DehbSlot): EvolutionSlot {
    const { rung, slot: index } = slot;
    if (slot.origin !== 'evolve') return { rung, slot: index, origin: 'random', parents: [], target: -1 };
    const target = this.parentOccupant(slot.bracket, slot.level, index);
    return { rung, slot: index, origin: 'evolve', parents: this.mutationPool(slot), target };
  }

  private takeSlot(newTrialId: number, allowNewTrials: boolean): DehbBracketSlot | null {
    this.primary = firstActiveBracket(this.brackets, this.primary);
    return takeNextSlot(this.brackets, this.primary, newTrialId, allowNewTrials, () => this.openBracket());
  }

  private openBracket(): DehbBracket {
    const id = this.brackets.length;
    const offset = id % this.shapes.length;
    const bracket = new DehbBracket(id, offset, this.shapes[offset], id === 0);
    this.brackets.push(bracket);
    this.ledger.push({ type: 'bracketOpened', bracket: id, bracketType: offset, rungs: this.shapes[offset] });
    return bracket;
  }

  private originOf(slot: DehbBracketSlot): DehbSlotOrigin {
    if (!slot.isNew) return 'promotion';
    if (slot.bracket === 0) return 'random';
    if (slot.rung > 0) return 'evolve';
    return this.parentSlot(slot.bracket, slot.level, slot.slot) ? 'evolve' : 'random';
  }

  /** Walks back through parent rungs until a bracket has a result in that slot (Syne Tune's trial_id_from_parent_slot). */
  private parentSlot(bracketId: number, level: number, slot: number): { bracket: DehbBracket; rung: number } | null {
    const numOffsets = this.shapes.length;
    let id = bracketId;
    while (id > 0) {
      const offset = this.brackets[id].offset;
      const rungInBracket = this.rungOfLevel.get(level)! - offset;
      const parent = parentRungOf(offset, rungInBracket, numOffsets);
      id -= parent.bracketDelta;
      const bracket = this.brackets[id];
      if (bracket.occupantAt(parent.rung, slot) >= 0) return { bracket, rung: parent.rung };
    }
    return null;
  }
}

/** Lower error wins; a failed (NaN) result never beats anything, anything finite beats a failure. */
function isBetter(error: number, rival: number): boolean {
  if (Number.isNaN(error)) return false;
  return Number.isNaN(rival) || error < rival;
}

const NOTHING: readonly LedgerEntry[] = Object.freeze([]);
