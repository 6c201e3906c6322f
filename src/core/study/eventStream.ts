/**
 * The event stream of one study: numbers event drafts in emission order (seq from 0) and hands each
 * numbered event to every sink. With no sinks it only counts.
 */
import type { EventSink, StudyEvent, StudyEventDraft } from '../events/studyEvents';

export class EventStream {
  private readonly sinks: EventSink[];
  private nextSeq = 0;
  private lastTime = 0;

  constructor(sinks: readonly EventSink[] = []) {
    this.sinks = [...sinks];
  }

  addSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  /** Numbers the draft and delivers it; returns the seq it got. */
  emit(draft: StudyEventDraft): number {
    const seq = this.nextSeq++;
    this.lastTime = draft.time;
    if (this.sinks.length === 0) return seq;
    const event = { seq, ...draft } as StudyEvent;
    for (const sink of this.sinks) sink(event);
    return seq;
  }

  /** Events emitted so far. */
  get count(): number {
    return this.nextSeq;
  }

  /** Simulated time of the latest event: the time stamp for notices that come without one. */
  get time(): number {
    return this.lastTime;
  }
}
