import { assertBracketShape, type BracketShape } from './rungSystem';
import type { RungCompletedEntry } from './scheduler';

/** A slot handed out by a bracket: the rung, its level, the slot index and the trial that fills it. */
export interface SlotInRung {
  readonly bracket: number;
  readonly rung: number;
  readonly level: number;
  readonly slot: number;
  readonly trialId: number;
  /** Level the trial is paused at (0 for a new trial): a resumption trains only the extra epochs. */
  readonly fromLevel: number;
}

/** What most results complete: no rung (one shared empty list, not one per result). */
const NO_RUNGS: readonly RungCompletedEntry[] = Object.freeze([]);

const FREE = 0;
const PENDING = 1;
const OCCUPIED = 2;

/**
 * One bracket of synchronous Hyperband: successive halving over a fixed ladder of rungs.
 *
 * Vocabulary: a slot of a rung is *free* (not handed out yet), *pending* (handed out to a worker, no
 * result yet) or *occupied* (holds the trial's error at the rung's level). Only the *current* rung,
 * the lowest one not fully occupied, hands out slots, in slot order. When its last slot is occupied
 * the rung is *complete*: its trials are ranked best first (failed = NaN last, ties by slot), the top
 * ones fill the next rung (same trial ids, resumed from their checkpoints) and that rung becomes
 * current. The bracket is complete when its last rung is.
 */
export class Bracket {
  private current = 0;
  /** Trial id per slot of the current rung (-1 until a new trial is bound to a first-rung slot). */
  private trialIds: number[];
  private errors: Float64Array;
  private states: Uint8Array;
  /** Slots [0, handedOut) have been handed out. */
  private handedOut = 0;
  /** Slots [handable, size) hold promoted trials that had already failed: occupied from the start. */
  private handable: number;
  private occupied = 0;

  constructor(readonly id: number, readonly type: number, readonly rungs: BracketShape) {
    assertBracketShape(rungs);
    const size = rungs[0].slots;
    this.trialIds = new Array<number>(size).fill(-1);
    this.errors = new Float64Array(size);
    this.states = new Uint8Array(size);
    this.handable = size;
  }

  get isComplete(): boolean {
    return this.current >= this.rungs.length;
  }

  /** Index of the rung that hands out slots (= rungs.length once complete). */
  get currentRung(): number {
    return this.current;
  }

  hasFreeSlot(): boolean {
    return !this.isComplete && this.handedOut < this.handable;
  }

  /** True when the next free slot wants a new config (first rung) rather than a promoted trial. */
  nextFreeSlotIsNew(): boolean {
    return this.hasFreeSlot() && this.trialIds[this.handedOut] < 0;
  }

  /** New configs the first rung still needs (0 once every first-rung slot is handed out). */
  newSlotsRemaining(): number {
    return this.current === 0 ? this.handable - this.handedOut : 0;
  }

  pendingSlots(): number {
    if (this.isComplete) return 0;
    let pending = 0;
    for (let i = 0; i < this.handedOut; i++) if (this.states[i] === PENDING) pending++;
    return pending;
  }

  /** Hands out the next free slot; a new-config slot is bound to `newTrialId`. */
  takeFreeSlot(newTrialId: number): SlotInRung {
    if (!this.hasFreeSlot()) throw new Error(`bracket ${this.id} has no free slot`);
    const slot = this.handedOut++;
    if (this.trialIds[slot] < 0) {
      if (!(Number.isInteger(newTrialId) && newTrialId >= 0)) throw new Error(`bad trial id ${newTrialId}`);
      this.trialIds[slot] = newTrialId;
    }
    this.states[slot] = PENDING;
    const rung = this.current;
    return {
      bracket: this.id,
      rung,
      level: this.rungs[rung].level,
      slot,
      trialId: this.trialIds[slot],
      fromLevel: rung === 0 ? 0 : this.rungs[rung - 1].level,
    };
  }

  /**
   * Fills a pending slot with its trial's error at the rung level (NaN = failed). Returns the rungs
   * this completed (usually none, one when the slot was the last; more only if promoted trials had
   * all failed already).
   */
  onResult(slot: SlotInRung, error: number): readonly RungCompletedEntry[] {
    if (slot.bracket !== this.id || slot.rung !== this.current) {
      throw new Error(`result for bracket ${slot.bracket} rung ${slot.rung}, but bracket ${this.id} is at rung ${this.current}`);
    }
    const i = slot.slot;
    if (!(i >= 0 && i < this.handedOut) || this.states[i] !== PENDING || this.trialIds[i] !== slot.trialId) {
      throw new Error(`slot ${i} of bracket ${this.id} rung ${this.current} is not pending for trial ${slot.trialId}`);
    }
    this.errors[i] = error;
    this.states[i] = OCCUPIED;
    this.occupied++;
    if (this.occupied !== this.trialIds.length) return NO_RUNGS;
    const completed: RungCompletedEntry[] = [];
    while (!this.isComplete && this.occupied === this.trialIds.length) completed.push(this.completeRung());
    return completed;
  }

  private completeRung(): RungCompletedEntry {
    const rung = this.current;
    const order = this.rankSlots();
    const trialIds = this.trialIds, errors = this.errors;
    const ranking = new Array<{ trialId: number; error: number }>(order.length);
    for (let r = 0; r < order.length; r++) ranking[r] = { trialId: trialIds[order[r]], error: errors[order[r]] };
    this.current++;
    if (this.isComplete) return { type: 'rungCompleted', bracket: this.id, rung, level: this.rungs[rung].level, ranking, promoted: [] };
    const size = this.rungs[this.current].slots;
    const promoted = new Array<number>(size);
    // Failed trials rank last, so any promoted ones sit at the end; they cannot train again and
    // occupy their slots with NaN at once instead of blocking the rung forever.
    let handable = size;
    for (let r = 0; r < size; r++) {
      promoted[r] = trialIds[order[r]];
      if (handable === size && Number.isNaN(errors[order[r]])) handable = r;
    }
    this.trialIds = promoted.slice();
    this.errors = new Float64Array(size);
    this.states = new Uint8Array(size).fill(FREE);
    this.handedOut = 0;
    this.occupied = 0;
    this.handable = handable;
    for (let i = handable; i < size; i++) {
      this.errors[i] = NaN;
      this.states[i] = OCCUPIED;
      this.occupied++;
    }
    return { type: 'rungCompleted', bracket: this.id, rung, level: this.rungs[rung].level, ranking, promoted };
  }

  /**
   * Slot indices best first; NaN last; ties keep slot order. A binary insertion sort, stable as
   * Array.prototype.sort is, so the order is the same, with no comparator closure; each slot goes after
   * every earlier slot that does not rank after it. Rungs hold at most a few hundred slots.
   */
  private rankSlots(): Int32Array {
    const errors = this.errors;
    const order = new Int32Array(this.trialIds.length);
    for (let i = 0; i < order.length; i++) {
      const e = errors[i];
      const failed = Number.isNaN(e);
      // First position in order[0, i) whose slot ranks strictly after slot i (the sorted prefix is
      // false ... false, true ... true for that test).
      let lo = 0, hi = i;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ranksAfter(errors[order[mid]], e, failed)) hi = mid; else lo = mid + 1;
      }
      order.copyWithin(lo + 1, lo, i);
      order[lo] = i;
    }
    return order;
  }
}

/** Whether error `a` ranks strictly after error `b` (`bFailed`: b is NaN): failed last, then higher errors. */
function ranksAfter(a: number, b: number, bFailed: boolean): boolean {
  if (bFailed) return false;
  return Number.isNaN(a) || a > b;
}
