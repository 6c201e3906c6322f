/**
 * "Time to reach a given error" (issue 12): the simulated time at which a run's incumbent at r_max
 * (valued at its seed mean at the table's last epoch, as the comparison's curves are) first reached the
 * target or better. A run that never got there has no time: the comparison counts it as not reached
 * instead of inventing one, so the IQM is over the seeds that reached it and says how many did.
 */
import type { IncumbentAtMaxPath } from '../readModel/studyResult';

/** The default target: one percentage point above the table's optimum, reachable but not trivial. */
export const DEFAULT_TARGET_MARGIN = 0.01;

/** The first time the path is at or below `target`; null when it never is. */
export function timeToTarget(path: IncumbentAtMaxPath, target: number): number | null {
  const index = path.error.findIndex((error) => error <= target);
  return index < 0 ? null : path.time[index];
}

/** The target a comparison uses when none is given: the optimum plus DEFAULT_TARGET_MARGIN. */
export function defaultTargetError(optimumError: number): number {
  return optimumError + DEFAULT_TARGET_MARGIN;
}
