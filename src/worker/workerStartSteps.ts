/**
 * The worker's marks of a timed start (WorkerStartParams.timeSteps): each step of WORKER_START_STEPS
 * the first time it happens, in epoch ms, posted to the host at once (worker/startSteps) so the
 * host's start timeline shows where the worker's part of "Start NAS study" went. The events it reads
 * are the ones the worker posts anyway; the LLM steps come from a fetch that wraps the global one
 * and changes nothing about the request.
 */
import type { StudyEvent } from '../core/events/studyEvents';
import type { WorkerStartMarks, WorkerStartStep } from '../protocol';

export class WorkerStartSteps {
  private readonly marked = new Set<WorkerStartStep>();

  constructor(private readonly post: (marks: WorkerStartMarks) => void, private readonly now = () => performance.timeOrigin + performance.now()) {}

  /** Marks `step` the first time only (at `at` when given: a step seen before the timing was asked for). */
  mark(step: WorkerStartStep, at = this.now()): void {
    if (this.marked.has(step)) return;
    this.marked.add(step);
    this.post({ [step]: at });
  }

  /** Marks the steps an event stands for (call it with each event as it is emitted). */
  sawEvent(event: StudyEvent): void {
    switch (event.type) {
      case 'studyStarted': this.mark('studyStarted'); break;
      case 'llmCall': this.mark('llmCallLogged'); break;
      case 'trialStarted': this.mark('firstTrial'); break;
      case 'result': this.mark('firstResult'); break;
      default: break;
    }
  }

  /** Marks a posted batch of events. */
  posted(events: readonly StudyEvent[]): void {
    this.mark('firstEventsPosted');
    if (events.some((e) => e.type === 'result')) this.mark('firstResultPosted');
  }

  /** `inner` with the first request and the first reply's headers marked. */
  fetch(inner: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
    return (input, init) => {
      this.mark('llmRequestSent');
      const reply = inner(input, init);
      reply.then(() => this.mark('llmReplyReceived'), () => undefined);
      return reply;
    };
  }
}
