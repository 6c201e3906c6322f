import type { Cell } from '../nb201/searchSpace';

/** Which table a result came from; shown with every result and export. */
export interface TableInfo {
  /** e.g. "nb201-c10-mf.v1 (bundled; epochs 1-199 model-generated)" or "nb201-cifar10 exact (Syne Tune blackbox)". */
  readonly label: string;
  readonly kind: 'bundled-model-calibrated' | 'exact-synetune';
  /** Absolute path of the file it was loaded from. */
  readonly path: string;
  /** One line on provenance the user must see with results (model-generated epochs, etc.). */
  readonly provenanceNote: string;
}

/**
 * A tabulated multi-fidelity benchmark over the NB201 cells (CIFAR-10), with Syne Tune's
 * nasbench201 semantics: valid_error(cell, seed, epoch) and a per-epoch training time.
 */
export interface Benchmark {
  readonly info: TableInfo;
  readonly numSeeds: number;
  /** Largest epoch (r_max of the table), 200 for NB201. */
  readonly maxEpoch: number;
  /** Seed-mean error at maxEpoch of the best cell: the optimum regret is measured against. */
  readonly optimumError: number;
  /** NB201 index (0..15624) of a cell. */
  indexOf(cell: Cell): number;
  cellAt(index: number): Cell;
  /** 1 - test accuracy after `epoch` epochs (1-based) for one seed. */
  validError(index: number, seed: number, epoch: number): number;
  /** Seconds one epoch of training+eval takes for this cell. */
  epochSeconds(index: number): number;
  /** Seed mean of the error at maxEpoch. */
  finalErrorMean(index: number): number;
  /** Isomorphism class id: cells with the same id compute the same function. */
  isoClass(index: number): number;
}
