/**
 * Which epochs of a learning curve the panel keeps. A 200-epoch curve drawn at ~30 geometrically
 * spaced epochs (plus every rung level and the latest epoch) looks the same on a log or linear epoch
 * axis, and 5,000 curves stay a few tens of thousands of points instead of ~100k.
 */

/** Ratio between consecutive kept epochs: 1.2 keeps ~30 of 200 epochs. */
const RATIO = 1.2;
const MAX_EPOCH = 10_000;

const GEOMETRIC = buildGeometric();

function buildGeometric(): ReadonlySet<number> {
  const kept = new Set<number>([1, 2, 3]);
  for (let e = 1; e <= MAX_EPOCH; e *= RATIO) kept.add(Math.round(e));
  return kept;
}

/** True when the curve keeps this epoch for good (the latest epoch is shown besides, until it is passed). */
export function isKeptEpoch(epoch: number, rungLevels: ReadonlySet<number>): boolean {
  return GEOMETRIC.has(epoch) || rungLevels.has(epoch);
}

/**
 * Evenly thins paired columns to at most `max` entries (always keeping the first and last), so a
 * scatter of thousands of points stays cheap to send and draw. Returns the kept indices.
 */
export function thinIndices(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  const step = (length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(Math.round(k * step));
  return out;
}
