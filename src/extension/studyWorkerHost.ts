/**
 * The extension host's side of one study worker (dist/worker.js): starts it, turns its messages into
 * callbacks, and stops it on request. Stop raises the shared cancel flag and posts worker/cancel;
 * a worker that has not finished within the grace period (default 800 ms, inside the 1 s promise)
 * is terminated, keeping every event it reported. No 'vscode' here, so it runs under plain Node too.
 */
import {
  hasMethod, type StudyEvent, type StudyProgressParams, type StudySummary, type WorkerCancelCommand,
  type WorkerEventsNotification, type WorkerFailedNotification, type WorkerFinishedNotification,
  type WorkerProgressNotification, type WorkerStartCommand, type WorkerStartMarks, type WorkerStartParams, type WorkerStartStepsNotification,
} from '../protocol';
import type { SpawnedStudyWorker, StudyWorkerPort } from './studyWorkerPool';

/** How a worker ended: finished (possibly cancelled by the runner), stopped by force, or failed. */
export type WorkerOutcome =
  | { readonly kind: 'finished'; readonly summary: StudySummary; readonly cancelled: boolean }
  | { readonly kind: 'terminated' }
  | { readonly kind: 'failed'; readonly message: string };

export interface StudyWorkerCallbacks {
  onEvents(events: readonly StudyEvent[]): void;
  onProgress?(progress: StudyProgressParams): void;
  /** The worker's steps of a timed start (WorkerStartParams.timeSteps). */
  onStartSteps?(marks: WorkerStartMarks): void;
}

export class StudyWorkerHost {
  /** Settles once, when the worker has ended one way or the other; never rejects. */
  readonly ended: Promise<WorkerOutcome>;
  private readonly worker: StudyWorkerPort;
  private readonly cancelFlag: Int32Array;
  private settle!: (outcome: WorkerOutcome) => void;
  private done = false;
  private cancelRequested = false;

  /** Runs the study `params` on `spawned` (from StudyWorkerPool.take: a warm worker or a fresh one). */
  constructor(spawned: SpawnedStudyWorker, params: WorkerStartParams, private readonly callbacks: StudyWorkerCallbacks, private readonly graceMs = 800) {
    this.ended = new Promise((resolve) => { this.settle = resolve; });
    this.worker = spawned.worker;
    this.cancelFlag = spawned.cancelFlag;
    this.worker.on('message', (message: unknown) => this.receive(message));
    this.worker.on('error', (error: Error) => this.finish({ kind: 'failed', message: error.message }));
    this.worker.on('exit', (code: number) => {
      if (this.cancelRequested) this.finish({ kind: 'terminated' });
      else this.finish({ kind: 'failed', message: `the study worker exited unexpectedly (code ${code})` });
    });
    const start: WorkerStartCommand = { method: 'worker/start', params };
    this.worker.postMessage(start);
  }

  get running(): boolean {
    return !this.done;
  }

  /** Asks the worker to stop; resolves when it has ended (within graceMs plus termination). */
  async cancel(): Promise<WorkerOutcome> {
    if (!this.done && !this.cancelRequested) {
      this.cancelRequested = true;
      Atomics.store(this.cancelFlag, 0, 1);
      const command: WorkerCancelCommand = { method: 'worker/cancel', params: {} };
      this.worker.postMessage(command);
      const timer = setTimeout(() => { void this.worker.terminate(); }, this.graceMs);
      void this.ended.then(() => clearTimeout(timer));
    }
    return this.ended;
  }

  /** Ends the worker at once (extension deactivation). */
  dispose(): void {
    this.cancelRequested = true;
    void this.worker.terminate();
  }

  private receive(message: unknown): void {
    if (hasMethod<WorkerEventsNotification>(message, 'worker/events')) {
      this.callbacks.onEvents(message.params.events);
    } else if (hasMethod<WorkerProgressNotification>(message, 'worker/progress')) {
      this.callbacks.onProgress?.(message.params);
    } else if (hasMethod<WorkerStartStepsNotification>(message, 'worker/startSteps')) {
      this.callbacks.onStartSteps?.(message.params.marks);
    } else if (hasMethod<WorkerFinishedNotification>(message, 'worker/finished')) {
      this.finish({ kind: 'finished', summary: message.params.summary, cancelled: this.cancelRequested });
    } else if (hasMethod<WorkerFailedNotification>(message, 'worker/failed')) {
      this.finish({ kind: 'failed', message: message.params.message });
    }
  }

  private finish(outcome: WorkerOutcome): void {
    if (this.done) return;
    this.done = true;
    this.settle(outcome);
    // The worker keeps its port open after the study; it has nothing left to say.
    void this.worker.terminate();
  }
}
