/**
 * The best results seen so far: over every reported result at any epoch (Syne Tune's plotting rule)
 * and over results at r_max only. Failed (NaN) results never count.
 */
export class IncumbentTracker {
  bestError = Infinity;
  bestTrial = -1;
  bestAtMaxError = Infinity;
  bestAtMaxTrial = -1;

  constructor(private readonly rMax: number) {}

  /** Records a result; true when it strictly improves the any-epoch best. */
  update(trialId: number, epoch: number, error: number): boolean {
    if (Number.isNaN(error)) return false;
    if (epoch === this.rMax && error < this.bestAtMaxError) {
      this.bestAtMaxError = error;
      this.bestAtMaxTrial = trialId;
    }
    if (!(error < this.bestError)) return false;
    this.bestError = error;
    this.bestTrial = trialId;
    return true;
  }

  get bestErrorOrNull(): number | null {
    return this.bestTrial < 0 ? null : this.bestError;
  }

  get bestAtMaxOrNull(): number | null {
    return this.bestAtMaxTrial < 0 ? null : this.bestAtMaxError;
  }

  /** The trial a user should take home: best at r_max if any reached it, else best at any epoch. */
  get incumbentTrial(): number {
    return this.bestAtMaxTrial >= 0 ? this.bestAtMaxTrial : this.bestTrial;
  }
}
