/**
 * Min-heap of pending result arrivals (time, trial id), ordered by time and then by push order so
 * that simultaneous arrivals are handled in a deterministic order. Parallel number arrays: no object
 * per entry, since every trained epoch passes through here.
 */
export class ArrivalQueue {
  private times: number[] = [];
  private orders: number[] = [];
  private trials: number[] = [];
  private pushed = 0;

  get size(): number {
    return this.times.length;
  }

  push(time: number, trialId: number): void {
    const order = this.pushed++;
    let i = this.times.length;
    this.times.push(time); this.orders.push(order); this.trials.push(trialId);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(time, order, this.times[parent], this.orders[parent])) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, time, order, trialId);
  }

  /** Time of the earliest arrival (Infinity when empty). */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0] : Infinity;
  }

  /** Trial id of the earliest arrival; call peekTime() first for its time. */
  pop(): number {
    const top = this.trials[0];
    const lastTime = this.times.pop()!, lastOrder = this.orders.pop()!, lastTrial = this.trials.pop()!;
    const n = this.times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.before(this.times[right], this.orders[right], this.times[left], this.orders[left]) ? right : left;
      if (!this.before(this.times[child], this.orders[child], lastTime, lastOrder)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, lastTime, lastOrder, lastTrial);
    return top;
  }

  /** Drops every arrival (used when the study ends). */
  clear(): void {
    this.times.length = 0; this.orders.length = 0; this.trials.length = 0;
  }

  private before(t1: number, o1: number, t2: number, o2: number): boolean {
    return t1 < t2 || (t1 === t2 && o1 < o2);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]; this.orders[to] = this.orders[from]; this.trials[to] = this.trials[from];
  }

  private place(i: number, time: number, order: number, trialId: number): void {
    this.times[i] = time; this.orders[i] = order; this.trials[i] = trialId;
  }
}
