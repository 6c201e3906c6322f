/**
 * A small fake Benchmark for tests: constant epoch time, scripted errors, index = cell code (see
 * cellCode / cellFromCode), every cell its own isomorphism class. Not NB201 data.
 */
import type { Benchmark } from '../../src/core/benchmark/benchmark';
import { cellCode, cellFromCode, NUM_CELLS, type Cell } from '../../src/core/nb201/searchSpace';

export interface FakeBenchmarkOptions {
  /** Cells 0..numArchs-1 exist (by code); others throw in indexOf. Default: all 15,625. */
  numArchs?: number;
  /** Seconds per epoch, for every cell (default 10). */
  epochSeconds?: number;
  /** Largest epoch (default 200). */
  maxEpoch?: number;
  numSeeds?: number;
  /** valid_error of (index, seed, epoch); NaN scripts a failed evaluation. Default: fakeError. */
  errorOf?(index: number, seed: number, epoch: number): number;
}

/**
 * Default learning curves: a per-cell final error in [0.05, 0.9) spread by a golden-ratio hash of
 * the index, approached from 0.9 as epochs go by, with a tiny per-seed offset.
 */
export function fakeError(index: number, seed: number, epoch: number, maxEpoch = 200): number {
  const final = 0.05 + 0.85 * ((index * 0.6180339887498949) % 1);
  const left = 1 - epoch / maxEpoch;
  return final + (0.9 - final) * left * left + 0.001 * seed;
}

export function makeFakeBenchmark(options: FakeBenchmarkOptions = {}): Benchmark {
  const numArchs = options.numArchs ?? NUM_CELLS;
  const seconds = options.epochSeconds ?? 10;
  const maxEpoch = options.maxEpoch ?? 200;
  const numSeeds = options.numSeeds ?? 3;
  const errorOf = options.errorOf ?? ((index: number, seed: number, epoch: number) => fakeError(index, seed, epoch, maxEpoch));
  if (!(Number.isInteger(numArchs) && numArchs >= 1 && numArchs <= NUM_CELLS)) throw new RangeError(`numArchs out of range: ${numArchs}`);
  const checkIndex = (index: number) => {
    if (!(Number.isInteger(index) && index >= 0 && index < numArchs)) throw new RangeError(`fake benchmark has no arch ${index} (numArchs ${numArchs})`);
  };
  const finalErrorMean = (index: number) => {
    let sum = 0;
    for (let seed = 0; seed < numSeeds; seed++) sum += errorOf(index, seed, maxEpoch);
    return sum / numSeeds;
  };
  let optimum: number | undefined;
  return {
    info: {
      label: 'fake benchmark (test double)',
      kind: 'bundled-model-calibrated',
      path: '(in memory)',
      provenanceNote: 'Synthetic test double, not NB201 data.',
    },
    numSeeds,
    maxEpoch,
    get optimumError(): number {
      if (optimum === undefined) {
        optimum = Infinity;
        for (let index = 0; index < numArchs; index++) optimum = Math.min(optimum, finalErrorMean(index));
      }
      return optimum;
    },
    indexOf(cell: Cell): number {
      const index = cellCode(cell);
      checkIndex(index);
      return index;
    },
    cellAt(index: number): Cell {
      checkIndex(index);
      return cellFromCode(index);
    },
    validError(index: number, seed: number, epoch: number): number {
      checkIndex(index);
      if (!(Number.isInteger(seed) && seed >= 0 && seed < numSeeds)) throw new RangeError(`bad seed ${seed}`);
      if (!(Number.isInteger(epoch) && epoch >= 1 && epoch <= maxEpoch)) throw new RangeError(`bad epoch ${epoch}`);
      return errorOf(index, seed, epoch);
    },
    epochSeconds(index: number): number {
      checkIndex(index);
      return seconds;
    },
    finalErrorMean(index: number): number {
      checkIndex(index);
      return finalErrorMean(index);
    },
    isoClass(index: number): number {
      checkIndex(index);
      return index;
    },
  };
}
