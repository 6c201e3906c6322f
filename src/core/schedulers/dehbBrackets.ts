/**
 * DEHB's bracket layout (Syne Tune's DifferentialEvolutionHyperbandBracketManager): every bracket is
 * a tail of geometric bracket 0, so a rung's size depends only on its level, and the rungs at one
 * level across brackets form one evolving population. Pure functions of (r_min, eta, r_max).
 */
import { geometricBrackets, type RungSpec } from './rungSystem';

/** Bracket type (offset) b is bracket 0's rungs from rung b on: 243@1 81@3 ..., 81@3 27@9 ..., ..., 1@200. */
export function dehbBracketShapes(rMin: number, eta: number, rMax: number): RungSpec[][] {
  const first = geometricBrackets(rMin, eta, rMax)[0];
  return first.map((_, offset) => first.slice(offset));
}

/** Where the parent rung of a rung sits, relative to the bracket that holds the rung. */
export interface ParentRung {
  /** Bracket id of the parent = bracket id of the rung minus this (>= 1). */
  readonly bracketDelta: number;
  /** Rung index of the parent inside that bracket; it has the same level. */
  readonly rung: number;
}

/**
 * The parent rung has the same level in an earlier bracket: for offset > 0 the bracket just before
 * (one rung more, so index + 1); for offset 0 the latest bracket whose first rung is at this level.
 * Brackets open with offsets 0, 1, ..., numOffsets - 1, 0, 1, ... so both land on existing ids.
 */
export function parentRungOf(offset: number, rung: number, numOffsets: number): ParentRung {
  if (!(Number.isInteger(offset) && offset >= 0 && offset < numOffsets)) throw new RangeError(`bad bracket offset ${offset}`);
  if (!(Number.isInteger(rung) && rung >= 0 && rung < numOffsets - offset)) throw new RangeError(`bad rung ${rung} for offset ${offset}`);
  return offset > 0 ? { bracketDelta: 1, rung: rung + 1 } : { bracketDelta: numOffsets - rung, rung: 0 };
}
