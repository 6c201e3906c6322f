/**
 * Collects events and hands them on in batches: when a batch holds `maxEvents`, or when `intervalMs`
 * has passed since the last flush. The time check runs on push too, because a simulation that never
 * yields to the event loop would starve a timer; the timer covers the quiet tail (an LLM wait). The
 * batch that brings the study's first result goes with the event after it (the incumbentChanged the
 * result makes, so the panel draws the result's line at once) or as soon as the study yields.
 * The study's first batch goes as soon as the study yields (a timer of 0): its opening events
 * (studyStarted, the first bracket) would otherwise sit out the interval while LLAMBO's first request is out.
 */
import type { StudyEvent } from '../core/events/studyEvents';

export interface EventBatcherOptions {
  readonly maxEvents?: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
}

export class EventBatcher {
  private batch: StudyEvent[] = [];
  private lastFlush: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly maxEvents: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private firstResultSent = false;
  private flushOnNextPush = false;
  private delivered = false;

  constructor(private readonly deliver: (events: StudyEvent[]) => void, options: EventBatcherOptions = {}) {
    this.maxEvents = options.maxEvents ?? 500;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.lastFlush = this.now();
  }

  push(event: StudyEvent): void {
    this.batch.push(event);
    if (this.flushOnNextPush) {
      this.flushOnNextPush = false;
      this.flush();
      return;
    }
    if (!this.firstResultSent && event.type === 'result') {
      this.firstResultSent = true;
      this.flushOnNextPush = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), 0);
      return;
    }
    // Checking the clock on every 32nd event keeps the cost of a 3,500-event study negligible.
    if (this.batch.length >= this.maxEvents || ((this.batch.length & 31) === 0 && this.now() - this.lastFlush >= this.intervalMs)) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.delivered ? this.intervalMs : 0);
    }
  }

  /** Delivers what is pending (if anything) at once. */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushOnNextPush = false;
    this.lastFlush = this.now();
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.delivered = true;
    this.deliver(events);
  }

  get pending(): number {
    return this.batch.length;
  }
}
