/**
 * The incumbent's history: every new best trial with the edges its cell changed against the previous
 * incumbent's (the panel's incumbent path) and the (time, error) trace the overview and the exported
 * chart draw. Constant work per event.
 */
import { parseArchString } from '../nb201/searchSpace';
import type { IncumbentChangedEvent } from '../events/studyEvents';
import { changedEdges } from '../panel/cellPaths';

/** One new incumbent, with the edges that differ from the previous incumbent's cell. */
export interface IncumbentStep {
  readonly trialId: number;
  readonly time: number;
  readonly epoch: number;
  readonly error: number;
  readonly arch: string;
  readonly ops: readonly number[];
  readonly changedEdges: readonly number[];
}

export class IncumbentPath {
  readonly steps: IncumbentStep[] = [];
  readonly time: number[] = [];
  readonly error: number[] = [];
  /** Set by every new step; the panel clears it once a delta carried the path. */
  changed = false;

  /** `ops` is the trial's cell when known; else the event's arch string is parsed. */
  add(event: IncumbentChangedEvent, ops: readonly number[] | undefined): void {
    const { trialId, time, epoch, error, arch } = event;
    const cell = ops ?? safeParse(arch);
    const previous = this.steps[this.steps.length - 1];
    this.steps.push({ trialId, time, epoch, error, arch, ops: cell, changedEdges: previous ? changedEdges(previous.ops, cell) : [] });
    this.time.push(time);
    this.error.push(error);
    this.changed = true;
  }
}

function safeParse(arch: string): readonly number[] {
  try {
    return parseArchString(arch);
  } catch {
    return [0, 0, 0, 0, 0, 0];
  }
}
