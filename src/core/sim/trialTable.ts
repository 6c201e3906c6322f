import type { Cell } from '../nb201/searchSpace';

/**
 * Where the simulator holds a trial: training on a worker, waiting at a rung, or over for good. Its
 * own small numeric code for the hot loop; what views and exports report (completed, stopped,
 * failed...) is the read model's TrialStatus, folded from the events this one drives.
 */
export const WorkerState = { Running: 1, Paused: 2, Stopped: 3 } as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/**
 * Everything the simulator tracks per trial, as parallel arrays indexed by trial id (ids are dense
 * from 0), so a result costs no object lookups. The current run started at `runStart` from epoch
 * `runFromEpoch`: epoch e of this run ends at runStart + (e - runFromEpoch) * epochSeconds, which
 * is what makes a resumption pay only the extra epochs.
 */
export class TrialTable {
  readonly cells: Cell[] = [];
  readonly archs: string[] = [];
  readonly tableIndex: number[] = [];
  readonly seeds: number[] = [];
  readonly epochSeconds: number[] = [];
  readonly brackets: number[] = [];
  readonly state: WorkerState[] = [];
  /** Epochs trained so far (the checkpoint a resumption continues from). */
  readonly epochs: number[] = [];
  readonly runStart: number[] = [];
  readonly runFromEpoch: number[] = [];

  get count(): number {
    return this.cells.length;
  }

  add(trialId: number, cell: Cell, arch: string, tableIndex: number, seed: number, epochSeconds: number, bracket: number): void {
    if (trialId !== this.cells.length) throw new Error(`trial ids must be dense: expected ${this.cells.length}, got ${trialId}`);
    this.cells.push(cell);
    this.archs.push(arch);
    this.tableIndex.push(tableIndex);
    this.seeds.push(seed);
    this.epochSeconds.push(epochSeconds);
    this.brackets.push(bracket);
    this.state.push(WorkerState.Paused);
    this.epochs.push(0);
    this.runStart.push(0);
    this.runFromEpoch.push(0);
  }

  /** Starts a run on a worker at `start`; returns when its first epoch's result is ready. */
  beginRun(trialId: number, start: number): number {
    this.state[trialId] = WorkerState.Running;
    this.runStart[trialId] = start;
    this.runFromEpoch[trialId] = this.epochs[trialId];
    return start + this.epochSeconds[trialId];
  }

  /** When the epoch after `epochs[trialId]` of the current run ends. */
  nextEpochEnd(trialId: number): number {
    return this.runStart[trialId] + (this.epochs[trialId] + 1 - this.runFromEpoch[trialId]) * this.epochSeconds[trialId];
  }
}
