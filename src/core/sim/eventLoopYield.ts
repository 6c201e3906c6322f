/**
 * Gives the event loop a turn during a long synchronous simulation. With a searcher that answers at
 * once, a study never awaits anything, so Ctrl-C (an abort signal set from a SIGINT handler), a closed
 * stdout or a host's stop message would wait for the whole study. A slice of wall time, then one
 * setImmediate: the results do not change (simulated time is untouched), the cost is one clock read per
 * loop turn and one macrotask per slice.
 */

/** Wall-clock milliseconds between turns: far below the "stops within a second" a user expects. */
export const YIELD_SLICE_MS = 50;

export class EventLoopYield {
  private sliceStart: number;

  constructor(private readonly now: () => number = () => performance.now(), private readonly sliceMs = YIELD_SLICE_MS) {
    this.sliceStart = now();
  }

  /** A promise that resolves after the event loop had a turn, when the slice is used up; else undefined (no await needed). */
  due(): Promise<void> | undefined {
    if (this.now() - this.sliceStart < this.sliceMs) return undefined;
    return new Promise((resolve) => setImmediate(() => {
      this.sliceStart = this.now();
      resolve();
    }));
  }
}
