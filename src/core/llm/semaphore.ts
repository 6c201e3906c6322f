/** FIFO counting semaphore bounding the LLM requests in flight; waiting can be cancelled. */
export class Semaphore {
  private available: number;
  private readonly waiters: { grant: () => void; signal?: AbortSignal }[] = [];
  private inUse = 0;
  /** Highest number of permits held at once; for reporting and tests. */
  maxInUse = 0;

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${permits}`);
    this.available = permits;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (this.available > 0) {
      this.available--;
      return this.granted();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal!.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
    return this.granted();
  }

  private granted(): () => void {
    this.inUse++;
    if (this.inUse > this.maxInUse) this.maxInUse = this.inUse;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      const next = this.waiters.shift();
      // Hand the permit straight to the next waiter so nobody can barge in between.
      if (next) next.grant();
      else this.available++;
    };
  }
}
