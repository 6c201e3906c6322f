/**
 * Fraction of the stop criterion used so far, reported in whole-percent steps so that a study sends
 * at most about 100 progress updates however many results it produces.
 */
export class ProgressMeter {
  private lastStep = -1;

  constructor(private readonly budgetSeconds: number, private readonly maxTrials: number) {}

  fraction(simulatedSeconds: number, trialsStarted: number): number {
    const byTime = Number.isFinite(this.budgetSeconds) ? simulatedSeconds / this.budgetSeconds : 0;
    const byTrials = Number.isFinite(this.maxTrials) ? trialsStarted / this.maxTrials : 0;
    return Math.min(1, Math.max(byTime, byTrials));
  }

  /** The fraction when it entered a new percent step since the last call that returned one, else null. */
  step(simulatedSeconds: number, trialsStarted: number): number | null {
    const fraction = this.fraction(simulatedSeconds, trialsStarted);
    const step = Math.floor(fraction * 100);
    if (step <= this.lastStep) return null;
    this.lastStep = step;
    return fraction;
  }
}
