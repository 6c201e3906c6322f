/**
 * Acquisition for error minimisation: expected improvement of a Gaussian prediction over the incumbent,
 * and a greedy batch pick that penalises candidates within a Hamming radius of cells already picked
 * (so one batch does not spend a whole rung on near-copies of one good guess).
 */
import { hammingDistance } from '../nb201/cellMutation';
import type { Cell } from '../nb201/searchSpace';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Standard normal CDF via erfc (W. J. Cody's rational approximation, |error| < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : 2 - y;
}

/** EI(x) = (best - mu) Phi(z) + sigma phi(z), z = (best - mu) / sigma, for minimisation. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  const gain = best - mean;
  if (!(std > 0)) return Math.max(0, gain);
  const z = gain / std;
  return Math.max(0, gain * normalCdf(z) + std * normalPdf(z));
}

export interface ScoredCandidate {
  readonly cell: Cell;
  /** Acquisition value, higher is better (EI, or p(top) for the generative surrogate). */
  readonly score: number;
  /** Tie-break: lower predicted error first. */
  readonly mean: number;
}

/**
 * Picks `k` candidates greedily by score x min(1, d / radius), d = Hamming distance to the nearest cell
 * already picked (or in `alreadyChosen`); radius 0 turns the penalty off. Returns candidate indices in
 * pick order. O(k * n): each pick updates every candidate's nearest distance once.
 */
export function pickDiverseBatch(candidates: readonly ScoredCandidate[], k: number, radius: number, alreadyChosen: readonly Cell[] = []): number[] {
  const n = candidates.length;
  const nearest = new Float64Array(n).fill(Infinity);
  const taken = new Uint8Array(n);
  const updateNearest = (cell: Cell) => {
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const d = hammingDistance(candidates[i].cell, cell);
      if (d < nearest[i]) nearest[i] = d;
    }
  };
  if (radius > 0) for (const cell of alreadyChosen) updateNearest(cell);
  const picks: number[] = [];
  while (picks.length < Math.min(k, n)) {
    let bestIndex = -1, bestValue = -Infinity, bestFactor = -Infinity;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const factor = radius > 0 ? Math.min(1, nearest[i] / radius) : 1;
      const value = Math.max(0, candidates[i].score) * factor;
      // Ties (e.g. every EI underflowed to 0) go to the more distant, then the lower predicted error.
      const better = bestIndex < 0 || value > bestValue ||
        (value === bestValue && (factor > bestFactor || (factor === bestFactor && candidates[i].mean < candidates[bestIndex].mean)));
      if (better) {
        bestIndex = i;
        bestValue = value;
        bestFactor = factor;
      }
    }
    taken[bestIndex] = 1;
    picks.push(bestIndex);
    if (radius > 0) updateNearest(candidates[bestIndex].cell);
  }
  return picks;
}
