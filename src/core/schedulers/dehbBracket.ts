import { assertBracketShape, type BracketShape } from './rungSystem';
import type { RungCompletedEntry } from './scheduler';

/** A slot handed out by a DEHB bracket. */
export interface DehbBracketSlot {
  readonly bracket: number;
  readonly rung: number;
  readonly level: number;
  readonly slot: number;
  readonly trialId: number;
  /** Level a promoted trial is paused at; 0 for a new trial (which trains from scratch). */
  readonly fromLevel: number;
  /** True when the slot needs a new config; false for a promotion (only in bracket 0). */
  readonly isNew: boolean;
}

const FREE = 0;
const PENDING = 1;
const OCCUPIED = 2;

/** What one rung of a bracket holds once reached. */
interface RungRecord {
  /** Trial that ran in each slot (-1 until handed out) and its own error at the rung level. */
  readonly ran: Int32Array;
  readonly ranError: Float64Array;
  /** Winner of parent-vs-child selection per slot (-1 until occupied) and its error at this level. */
  readonly occupant: Int32Array;
  readonly occupantError: Float64Array;
  readonly states: Uint8Array;
  /** Occupants best first (NaN last), set when the rung completes: DE's parents for the next rung. */
  ranked?: Int32Array;
}

/**
 * One DEHB bracket: successive rungs filled one at a time, like synchronous Hyperband, but a rung
 * above the first is filled with *new* trials (configs from differential evolution) except in the
 * study's first bracket (`promotes`), which pauses its trials and resumes the best as in Hyperband.
 * Each slot records the trial that ran in it and the occupant that won the selection against the
 * parent slot; occupants are what later brackets see as their population.
 */
export class DehbBracket {
  private current = 0;
  private readonly records: RungRecord[] = [];
  private handedOut = 0;
  /** Slots [handable, size) hold promoted trials that had already failed: occupied from the start. */
  private handable: number;
  private occupied = 0;
  /** Trials to resume per slot of the current rung (promoting bracket, rung > 0). */
  private promotedIds: readonly number[] = [];

  constructor(readonly id: number, readonly offset: number, readonly rungs: BracketShape, readonly promotes: boolean) {
    assertBracketShape(rungs);
    this.records.push(newRecord(rungs[0].slots));
    this.handable = rungs[0].slots;
  }

  get isComplete(): boolean {
    return this.current >= this.rungs.length;
  }

  get currentRung(): number {
    return this.current;
  }

  hasFreeSlot(): boolean {
    return !this.isComplete && this.handedOut < this.handable;
  }

  nextFreeSlotIsNew(): boolean {
    return this.hasFreeSlot() && !(this.promotes && this.current > 0);
  }

  /** New configs the current rung still needs (0 when it resumes promoted trials or is handed out). */
  newSlotsRemaining(): number {
    if (this.isComplete || (this.promotes && this.current > 0)) return 0;
    return this.handable - this.handedOut;
  }

  takeFreeSlot(newTrialId: number): DehbBracketSlot {
    if (!this.hasFreeSlot()) throw new Error(`DEHB bracket ${this.id} has no free slot`);
    const slot = this.handedOut++;
    const rung = this.current;
    const record = this.records[rung];
    const isNew = !(this.promotes && rung > 0);
    const trialId = isNew ? newTrialId : this.promotedIds[slot];
    if (isNew && !(Number.isInteger(newTrialId) && newTrialId >= 0)) throw new Error(`bad trial id ${newTrialId}`);
    record.ran[slot] = trialId;
    record.states[slot] = PENDING;
    return {
      bracket: this.id, rung, level: this.rungs[rung].level, slot, trialId, isNew,
      fromLevel: isNew || rung === 0 ? 0 : this.rungs[rung - 1].level,
    };
  }

  /** Occupant of a slot of a rung, or -1 when that rung is not reached or the slot has no result yet. */
  occupantAt(rung: number, slot: number): number {
    const record = this.records[rung];
    if (!record || slot >= record.states.length || record.states[slot] !== OCCUPIED) return -1;
    return record.occupant[slot];
  }

  occupantErrorAt(rung: number, slot: number): number {
    return this.records[rung].occupantError[slot];
  }

  /** Occupant at `position` of the completed rung below the current one, best first. */
  rankedOccupantBelow(position: number): number {
    const record = this.records[this.current - 1];
    if (!record?.ranked) throw new Error(`DEHB bracket ${this.id} has no completed rung below rung ${this.current}`);
    return record.ranked[position];
  }

  /** Size of the current rung. */
  currentRungSize(): number {
    return this.rungs[this.current].slots;
  }

  /**
   * Fills a pending slot: `error` is the trial's own result, `occupant` the selection's winner (the
   * trial itself or the parent slot's occupant). Returns the rungs this completed.
   */
  onResult(slot: DehbBracketSlot, error: number, occupant: number, occupantError: number): RungCompletedEntry[] {
    if (slot.bracket !== this.id || slot.rung !== this.current) {
      throw new Error(`result for DEHB bracket ${slot.bracket} rung ${slot.rung}, but bracket ${this.id} is at rung ${this.current}`);
    }
    const record = this.records[this.current];
    const i = slot.slot;
    if (!(i >= 0 && i < this.handedOut) || record.states[i] !== PENDING || record.ran[i] !== slot.trialId) {
      throw new Error(`slot ${i} of DEHB bracket ${this.id} rung ${this.current} is not pending for trial ${slot.trialId}`);
    }
    record.ranError[i] = error;
    record.occupant[i] = occupant;
    record.occupantError[i] = occupantError;
    record.states[i] = OCCUPIED;
    this.occupied++;
    const completed: RungCompletedEntry[] = [];
    while (!this.isComplete && this.occupied === this.records[this.current].states.length) {
      completed.push(this.completeRung());
    }
    return completed;
  }

  private completeRung(): RungCompletedEntry {
    const rung = this.current;
    const record = this.records[rung];
    const level = this.rungs[rung].level;
    const ranOrder = rankSlots(record.ranError);
    const ranking = ranOrder.map((i) => ({ trialId: record.ran[i], error: record.ranError[i] }));
    record.ranked = Int32Array.from(rankSlots(record.occupantError), (i) => record.occupant[i]);
    this.current++;
    if (this.isComplete) return { type: 'rungCompleted', bracket: this.id, rung, level, ranking, promoted: [] };
    const size = this.rungs[this.current].slots;
    const next = newRecord(size);
    this.records.push(next);
    this.handedOut = 0;
    this.occupied = 0;
    this.handable = size;
    if (!this.promotes) return { type: 'rungCompleted', bracket: this.id, rung, level, ranking, promoted: [] };
    // The promoting bracket runs no selection, so its occupants are the trials that ran.
    const top = ranOrder.slice(0, size);
    this.promotedIds = top.map((i) => record.ran[i]);
    const firstFailed = top.findIndex((i) => Number.isNaN(record.ranError[i]));
    // Failed trials rank last and cannot train again: they occupy their slots with NaN at once.
    this.handable = firstFailed < 0 ? size : firstFailed;
    for (let i = this.handable; i < size; i++) {
      next.ran[i] = next.occupant[i] = this.promotedIds[i];
      next.ranError[i] = next.occupantError[i] = NaN;
      next.states[i] = OCCUPIED;
      this.occupied++;
    }
    return { type: 'rungCompleted', bracket: this.id, rung, level, ranking, promoted: this.promotedIds.slice() };
  }
}

function newRecord(size: number): RungRecord {
  return {
    ran: new Int32Array(size).fill(-1),
    ranError: new Float64Array(size),
    occupant: new Int32Array(size).fill(-1),
    occupantError: new Float64Array(size),
    states: new Uint8Array(size).fill(FREE),
  };
}

/** Slot indices best first; NaN last; ties keep slot order (the sort is stable). */
function rankSlots(errors: Float64Array): number[] {
  const order = Array.from({ length: errors.length }, (_, i) => i);
  return order.sort((a, b) => {
    const ea = errors[a], eb = errors[b];
    const na = Number.isNaN(ea), nb = Number.isNaN(eb);
    if (na || nb) return na === nb ? 0 : na ? 1 : -1;
    return ea - eb;
  });
}
