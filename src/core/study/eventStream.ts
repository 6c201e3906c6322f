/**
 * The event stream of one study: numbers event drafts in emission order (seq from 0) and hands each
 * numbered event to every sink. Draft observers see the drafts themselves: a reader that needs no seq
 * (the result fold) then costs no numbered copy of each event, so with no sinks the stream only counts.
 */
import type { EventSink, StudyEvent, StudyEventDraft } from '../events/studyEvents';

export type DraftObserver = (draft: StudyEventDraft) => void;

export class EventStream {
  private readonly sinks: EventSink[];
  private readonly observers: DraftObserver[] = [];
  private nextSeq = 0;
  private lastTime = 0;

  constructor(sinks: readonly EventSink[] = []) {
    this.sinks = [...sinks];
  }

  /** Hears every draft, in emission order, before the sinks get the numbered event. */
  observeDrafts(observer: DraftObserver): void {
    this.observers.push(observer);
  }

  /** Numbers the draft and delivers it; returns the seq it got. */
  emit(draft: StudyEventDraft): number {
    const seq = this.nextSeq++;
    this.lastTime = draft.time;
    for (const observer of this.observers) observer(draft);
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
