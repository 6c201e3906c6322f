/**
 * Gives the event loop a turn during a long synchronous simulation. With a searcher that answers at
 * once, a study never awaits anything, so Ctrl-C (an abort signal set from a SIGINT handler), a closed
 * stdout or a host's stop message would wait for the whole study. A slice of wall time, then one
 * setImmediate: the results do not change (simulated time is untouched), the cost is one clock read per
 * TURNS_PER_CLOCK_READ loop turns and one macrotask per slice.
 */

/** Wall-clock milliseconds between turns: far below the "stops within a second" a user expects. */
export const YIELD_SLICE_MS = 50;
/**
 * Loop turns per clock read: a study asks about 7,000 times, and reading the clock each time was about
 * 5% of a warm study (a loop turn takes ~1 us, so 32 of them stay far inside a slice).
 */
export const TURNS_PER_CLOCK_READ = 32;

export class EventLoopYield {
  private sliceStart: number;
  private turnsUntilRead: number;

  constructor(
    private readonly now: () => number = () => performance.now(),
    private readonly sliceMs = YIELD_SLICE_MS,
    private readonly turnsPerRead = TURNS_PER_CLOCK_READ,
  ) {
    this.sliceStart = now();
    this.turnsUntilRead = turnsPerRead;
  }

  /** A promise that resolves after the event loop had a turn, when the slice is used up; else undefined (no await needed). */
  due(): Promise<void> | undefined {
    if (--this.turnsUntilRead > 0) return undefined;
    this.turnsUntilRead = this.turnsPerRead;
    if (this.now() - this.sliceStart < this.sliceMs) return undefined;
    return new Promise((resolve) => setImmediate(() => {
      this.sliceStart = this.now();
      resolve();
    }));
  }
}
