/**
 * One study in the extension host's memory: its folder, every event so far, the folded headline, and
 * (while it runs) its worker. A session is made either by starting a study or by reading a folder
 * from disk; listeners hear about new events and status changes, and about a restart (a resumed
 * study starts its event list over).
 */
import { readEventLog } from '../core/study/eventLog';
import type { StudyEvent, StudyHeadline } from '../protocol';
import { StudyHeadlineFold, type HeadlineDefaults } from './studyHeadline';
import type { StudyWorkerHost, WorkerOutcome } from './studyWorkerHost';
import type { StartTimeline } from './startTimeline';

/** What an interrupted study's headline says (the panel shows it in its banner beside Resume). */
export const INTERRUPTED_MESSAGE = 'the study stopped before it finished (window closed or reloaded, or a write failed); Resume runs it again, replaying cached LLM replies';

/** `restarted`: the event list was emptied (a resume); `newEvents` then starts the new list. */
export type SessionListener = (session: StudySession, newEvents: readonly StudyEvent[], restarted: boolean) => void;

export class StudySession {
  readonly events: StudyEvent[] = [];
  private fold: StudyHeadlineFold;
  private readonly listeners = new Set<SessionListener>();
  private worker: StudyWorkerHost | undefined;
  private endedPromise: Promise<StudyHeadline>;
  /** The steps of the start that made this session, when one is being timed (startTimeline.ts). */
  startTimeline: StartTimeline | undefined;

  constructor(readonly id: string, readonly dir: string, initial: HeadlineDefaults = {}) {
    this.fold = new StudyHeadlineFold(id, initial);
    this.endedPromise = Promise.resolve(this.fold.current);
  }

  /**
   * Reads a persisted study; a log without studyFinished/studyError is 'interrupted' (reload or
   * crash), unless another window's extension host still runs it.
   */
  static fromDisk(id: string, dir: string, runningElsewhere = false): StudySession {
    const session = new StudySession(id, dir);
    session.load(runningElsewhere);
    return session;
  }

  /** Rereads the folder in place (a study another window ran has moved on); listeners hear a restart. */
  reload(runningElsewhere: boolean): void {
    if (this.running) throw new Error(`study ${this.id} is running here`);
    this.load(runningElsewhere);
    this.notify([], true);
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

  /** Starts over with a new worker (a resume): forgets the events so far and tells the listeners. */
  restart(worker: StudyWorkerHost, initial: HeadlineDefaults = {}): void {
    if (this.running) throw new Error(`study ${this.id} is running`);
    this.events.length = 0;
    this.fold = new StudyHeadlineFold(this.id, initial);
    this.attachWorker(worker);
    this.notify([], true);
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
    if (notify) this.notify(events, false);
  }

  /** What the study waits for on its LLM right now (undefined: nothing); listeners hear a change. */
  setLlmWait(text: string | undefined): void {
    if (this.fold.current.llmWait === text) return;
    this.fold.setLlmWait(text);
    this.notify([], false);
  }

  dispose(): void {
    this.worker?.dispose();
    this.listeners.clear();
  }

  private load(runningElsewhere: boolean): void {
    const { events, truncatedTail } = readEventLog(this.dir);
    this.events.length = 0;
    this.fold = new StudyHeadlineFold(this.id);
    this.addEvents(events, false);
    if (this.headline.status === 'running') {
      // A cut-off last line (the writer died mid-line) was dropped by the reader: said here, not an error.
      const cut = truncatedTail ? '; the cut-off last line of events.jsonl was skipped' : '';
      if (runningElsewhere) this.fold.setStatus('running', 'running in another VS Code window or process');
      else this.fold.setStatus('interrupted', `${INTERRUPTED_MESSAGE}${cut}`);
    }
    this.endedPromise = Promise.resolve(this.fold.current);
  }

  private applyOutcome(outcome: WorkerOutcome): StudyHeadline {
    if (outcome.kind === 'failed') this.fold.setStatus('failed', outcome.message);
    else if (outcome.kind === 'terminated') this.fold.setStatus('cancelled', 'stopped by the user');
    else if (outcome.cancelled) this.fold.setStatus('cancelled');
    this.notify([], false);
    return this.fold.current;
  }

  private notify(events: readonly StudyEvent[], restarted: boolean): void {
    for (const listener of this.listeners) listener(this, events, restarted);
  }
}
