/**
 * A multi-study plan while it runs (Start NAS study and Compare run searchers x seeds one after the
 * other): which of its studies runs now ("study k of N" in the progress and the status bar) and
 * whether the user asked to stop the rest. Stop study finds the plan of a study here, so it can stop
 * the whole plan instead of only letting the next study start. Pure (no 'vscode').
 */

/** Where a study stands in its plan: the k-th (from 1) of `total`. */
export interface PlanPosition {
  readonly k: number;
  readonly total: number;
}

export class StudyPlanRun {
  private readonly started: string[] = [];
  private stopped = false;

  constructor(readonly total: number) {
    if (!Number.isInteger(total) || total < 1) throw new RangeError(`a plan has at least one study, not ${total}`);
  }

  /** Records the next study of the plan; its position is the count so far. */
  begin(studyId: string): PlanPosition {
    if (this.started.length >= this.total) throw new Error(`plan of ${this.total} studies cannot start study ${studyId} as number ${this.started.length + 1}`);
    this.started.push(studyId);
    return { k: this.started.length, total: this.total };
  }

  positionOf(studyId: string): PlanPosition | undefined {
    const index = this.started.indexOf(studyId);
    return index < 0 ? undefined : { k: index + 1, total: this.total };
  }

  /** Studies of the plan not started yet. */
  get remaining(): number {
    return this.total - this.started.length;
  }

  /** No further study of the plan starts (the one running is stopped by the caller). */
  stopRemaining(): void {
    this.stopped = true;
  }

  get stopRequested(): boolean {
    return this.stopped;
  }

  /** True while another study of the plan may still start. */
  get mayStartNext(): boolean {
    return !this.stopped && this.remaining > 0;
  }
}

/** The plans running in this window, found by any of their studies. */
export class StudyPlanRuns {
  private readonly plans = new Set<StudyPlanRun>();

  add(plan: StudyPlanRun): void {
    this.plans.add(plan);
  }

  /** The plan has run its course (or was stopped): its studies stand alone from now on. */
  delete(plan: StudyPlanRun): void {
    this.plans.delete(plan);
  }

  planOf(studyId: string): StudyPlanRun | undefined {
    for (const plan of this.plans) if (plan.positionOf(studyId)) return plan;
    return undefined;
  }

  /** The study's place in a running plan of more than one study; undefined for a study on its own. */
  positionOf(studyId: string): PlanPosition | undefined {
    const position = this.planOf(studyId)?.positionOf(studyId);
    return position && position.total > 1 ? position : undefined;
  }
}

/** "study 2 of 6" for a study of a multi-study plan; '' for a study on its own. */
export function planPositionText(position: PlanPosition | undefined): string {
  return position && position.total > 1 ? `study ${position.k} of ${position.total}` : '';
}
