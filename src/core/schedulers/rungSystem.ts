/**
 * Rung systems: pure functions from (r_min, eta, r_max) to rung levels and bracket shapes, with
 * Syne Tune's arithmetic (SynchronousHyperbandRungSystem.geometric, HyperbandScheduler rung levels).
 */

/** One rung of a bracket: `slots` trials are evaluated up to `level` epochs. */
export interface RungSpec {
  readonly level: number;
  readonly slots: number;
}

/** A bracket shape: rungs in order, levels increasing, slots decreasing, last level = r_max. */
export type BracketShape = readonly RungSpec[];

/**
 * Every bracket type of geometric synchronous Hyperband, most rungs first.
 * s_max = smallest s with r_min * eta^s >= r_max; bracket b has R = s_max - b + 1 rungs; with
 * pre = (s_max + 1) / R, rung k < R - 1 sits at round(r_min * eta^(k + b)) with
 * ceil(pre * eta^(R - 1 - k)) slots, and the last rung sits at r_max with ceil(pre) slots.
 */
export function geometricBrackets(rMin: number, eta: number, rMax: number): RungSpec[][] {
  assertRungParameters(rMin, eta, rMax);
  const sMax = smallestExponentReaching(rMin, eta, rMax);
  const brackets: RungSpec[][] = [];
  for (let bracket = 0; bracket <= sMax; bracket++) {
    const rungCount = sMax - bracket + 1;
    const pre = (sMax + 1) / rungCount;
    const rungs: RungSpec[] = [];
    for (let k = 0; k < rungCount - 1; k++) {
      rungs.push({
        level: roundHalfToEven(rMin * Math.pow(eta, k + bracket)),
        slots: Math.ceil(pre * Math.pow(eta, rungCount - 1 - k)),
      });
    }
    rungs.push({ level: rMax, slots: Math.ceil(pre) });
    assertBracketShape(rungs);
    brackets.push(rungs);
  }
  return brackets;
}

/** ASHA milestones: r_min * eta^k (rounded) while below r_max, then r_max itself. */
export function ashaRungLevels(rMin: number, eta: number, rMax: number): number[] {
  assertRungParameters(rMin, eta, rMax);
  const levels: number[] = [];
  for (let k = 0; rMin * Math.pow(eta, k) < rMax; k++) {
    const level = roundHalfToEven(rMin * Math.pow(eta, k));
    if (level >= rMax) break;
    if (levels.length === 0 || level > levels[levels.length - 1]) levels.push(level);
  }
  levels.push(rMax);
  return levels;
}

/** Ascending, de-duplicated levels of all brackets (what a searcher sees as "rung levels"). */
export function levelsOfBrackets(brackets: readonly BracketShape[]): number[] {
  const levels = new Set<number>();
  for (const rungs of brackets) for (const rung of rungs) levels.add(rung.level);
  return [...levels].sort((a, b) => a - b);
}

/** Checks the invariants every bracket shape must hold; throws with the shape otherwise. */
export function assertBracketShape(rungs: readonly RungSpec[]): void {
  const shape = () => rungs.map((r) => `${r.slots}@${r.level}`).join(' ');
  if (rungs.length === 0) throw new Error('a bracket needs at least one rung');
  for (let k = 0; k < rungs.length; k++) {
    const { level, slots } = rungs[k];
    if (!isPositiveInteger(level) || !isPositiveInteger(slots)) {
      throw new Error(`rung levels and sizes must be positive integers: ${shape()}`);
    }
    if (k > 0 && !(level > rungs[k - 1].level)) throw new Error(`rung levels must increase: ${shape()}`);
    if (k > 0 && !(slots < rungs[k - 1].slots)) throw new Error(`rung sizes must decrease: ${shape()}`);
  }
}

function assertRungParameters(rMin: number, eta: number, rMax: number): void {
  if (!isPositiveInteger(rMin)) throw new RangeError(`r_min must be a positive integer, got ${rMin}`);
  if (!isPositiveInteger(rMax)) throw new RangeError(`r_max must be a positive integer, got ${rMax}`);
  if (!(rMin < rMax)) throw new RangeError(`r_min (${rMin}) must be below r_max (${rMax})`);
  if (!(Number.isFinite(eta) && eta >= 2)) throw new RangeError(`eta must be >= 2, got ${eta}`);
}

/** Counted rather than computed with logarithms, which misround exact powers (log(81)/log(3) > 4). */
function smallestExponentReaching(rMin: number, eta: number, rMax: number): number {
  let s = 0;
  while (rMin * Math.pow(eta, s) < rMax) s++;
  return s;
}

/** Python's round(): halves go to the even neighbour, so non-integer eta gives Syne Tune's levels. */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function isPositiveInteger(x: number): boolean {
  return Number.isInteger(x) && x >= 1;
}
