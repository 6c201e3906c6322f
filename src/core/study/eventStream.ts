/**
 * The event stream of one study: numbers event drafts in emission order (seq from 0) and hands each
 * numbered event to every sink. Draft observers see the drafts themselves: a reader that needs no seq
 * (the result fold) then costs no numbered copy of each event, so with no sinks the stream only counts.
 * When every sink takes numbered drafts (the event log does), they get the seq and the draft, and the
 * numbered copy is not made either.
 */
import type { EventSink, NumberedEventSink, StudyEvent, StudyEventDraft } from '../events/studyEvents';

export type DraftObserver = (draft: StudyEventDraft) => void;

export class EventStream {
  private readonly sinks: EventSink[];
  /** The sinks' numbered forms, when every sink has one. */
  private readonly numberedSinks: NumberedEventSink[] | undefined;
  private readonly observers: DraftObserver[] = [];
  private nextSeq = 0;
  private lastTime = 0;

  constructor(sinks: readonly EventSink[] = []) {
    this.sinks = [...sinks];
    this.numberedSinks = numberedForms(sinks);
  }

  /** Hears every draft, in emission order, before the sinks get the numbered event. */
  observeDrafts(observer: DraftObserver): void {
    this.observers.push(observer);
  }

  /** Numbers the draft and delivers it; returns the seq it got. */
  emit(draft: StudyEventDraft): number {
    const seq = this.nextSeq++;
    this.lastTime = draft.time;
    // Indexed loops: this runs for every event, and a cold study runs it in the interpreter, where a for-of
    // makes an iterator and a result object per step.
    const observers = this.observers;
    for (let i = 0; i < observers.length; i++) observers[i](draft);
    if (this.sinks.length === 0) return seq;
    if (this.numberedSinks) {
      const numbered = this.numberedSinks;
      for (let i = 0; i < numbered.length; i++) numbered[i](seq, draft);
      return seq;
    }
    const event = { seq, ...draft } as StudyEvent;
    const sinks = this.sinks;
    for (let i = 0; i < sinks.length; i++) sinks[i](event);
    return seq;
  }

  /**
   * An event at `time` that nothing would read (no sinks, and no observer takes its type): it gets its seq
   * and is counted as emitted, but is never built. Refused while there are sinks, which read every event.
   */
  countUnread(time: number): void {
    if (this.sinks.length > 0) throw new Error('countUnread: this stream has sinks, which read every event');
    this.nextSeq++;
    this.lastTime = time;
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

/** Each sink's numbered form, when every sink has one (and there is a sink). */
export function numberedForms(sinks: readonly EventSink[]): NumberedEventSink[] | undefined {
  const forms = sinks.map((sink) => sink.numbered);
  return forms.length > 0 && forms.every((form) => form !== undefined) ? (forms as NumberedEventSink[]) : undefined;
}
