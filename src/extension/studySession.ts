/**
 * One study in the extension host's memory: its folder, every event so far, the folded headline, and
 * (while it runs) its worker. A session is made either by starting a study or by reading a folder
 * from disk; listeners hear about new events and status changes.
 */
import { readEventLog } from '../core/study/eventLog';
import type { StudyEvent, StudyHeadline } from '../protocol';
import { StudyHeadlineFold } from './studyHeadline';
import type { StudyWorkerHost, WorkerOutcome } from './studyWorkerHost';

export type SessionListener = (session: StudySession, newEvents: readonly StudyEvent[]) => void;

export class StudySession {
  readonly events: StudyEvent[] = [];
  private readonly fold: StudyHeadlineFold;
  private readonly listeners = new Set<SessionListener>();
  private worker: StudyWorkerHost | undefined;
  private endedPromise: Promise<StudyHeadline>;

  constructor(readonly id: string, readonly dir: string, initial: Partial<StudyHeadline> = {}) {
    this.fold = new StudyHeadlineFold(id, initial);
    this.endedPromise = Promise.resolve(this.fold.current);
  }

  /** Reads a persisted study; a log without studyFinished/studyError is 'interrupted' (reload or crash). */
  static fromDisk(id: string, dir: string): StudySession {
    const { events } = readEventLog(dir);
    const session = new StudySession(id, dir);
    session.addEvents(events, false);
    if (session.headline.status === 'running') session.fold.setStatus('interrupted', 'the study stopped before it finished (window closed or reloaded)');
    return session;
  }

  get headline(): StudyHeadline {
    return this.fold.current;
  }

  get running(): boolean {
    return this.worker?.running ?? false;
  }

  /** Resolves with the final headline once the study has ended (at once for a finished study). */
  get ended(): Promise<StudyHeadline> {
    return this.endedPromise;
  }

  attachWorker(worker: StudyWorkerHost): void {
    this.worker = worker;
    this.endedPromise = worker.ended.then((outcome) => this.applyOutcome(outcome));
  }

  /** Stops the worker (if any); resolves with the final headline. */
  async stop(): Promise<StudyHeadline> {
    await this.worker?.cancel();
    return this.endedPromise;
  }

  onDidChange(listener: SessionListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  addEvents(events: readonly StudyEvent[], notify = true): void {
    for (const event of events) {
      this.events.push(event);
      this.fold.add(event);
    }
    if (notify) this.notify(events);
  }

  dispose(): void {
    this.worker?.dispose();
    this.listeners.clear();
  }

  private applyOutcome(outcome: WorkerOutcome): StudyHeadline {
    if (outcome.kind === 'failed') this.fold.setStatus('failed', outcome.message);
    else if (outcome.kind === 'terminated') this.fold.setStatus('cancelled', 'stopped by the user');
    else if (outcome.cancelled) this.fold.setStatus('cancelled');
    this.notify([]);
    return this.fold.current;
  }

  private notify(events: readonly StudyEvent[]): void {
    for (const listener of this.listeners) listener(this, events);
  }
}
