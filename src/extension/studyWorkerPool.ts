/**
 * Keeps one study worker warm: started ahead of time with the table already loaded (workerData
 * warmTablePath), so a study the user starts skips the worker's start-up and the table load (most of
 * the time from "Start NAS study" to the panel's first result). Each study still gets a worker of its
 * own (a worker runs one study and is then ended, so no study sees another's state); taking the warm
 * one starts the next spare for the same table, at once or once the taken study is past its start (a
 * spare loading its table beside a starting study takes CPU from it: with no table cache yet, both
 * inflate the whole table). A spare made for an LLM study also loads the model's token encoding and
 * the openai client (StudyWorkerData.warmLlmModel, or worker/warmLlm for a spare already started), which the
 * first request would otherwise wait for.
 * No 'vscode' here, so it runs under plain Node too.
 */
import { Worker } from 'node:worker_threads';
import type { StudyWorkerData, WorkerWarmLlmCommand } from '../protocol';

/** The parts of a worker_threads Worker the host uses (a test passes its own). */
export interface StudyWorkerPort {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  postMessage(message: unknown): void;
  terminate(): Promise<number>;
}

/** A started worker and the shared cancel flag it was given (StudyWorkerData.cancelFlag). */
export interface SpawnedStudyWorker {
  readonly worker: StudyWorkerPort;
  readonly cancelFlag: Int32Array;
}

export type SpawnStudyWorker = (workerData: StudyWorkerData) => StudyWorkerPort;

/** Starts dist/worker.js as a thread. */
export function threadSpawner(workerFile: string): SpawnStudyWorker {
  return (workerData) => new Worker(workerFile, { workerData, name: 'llambo-nas-study' });
}

interface Spare extends SpawnedStudyWorker {
  readonly tablePath: string;
  /** The models it was asked to get ready for (at its start, or later with worker/warmLlm). */
  readonly llmModels: Set<string>;
  alive: boolean;
}

/** The spare a take() starts for the next study. */
export interface NextSpare {
  /** Started when this settles (default: at once). */
  readonly after?: PromiseLike<unknown>;
  /** The LLM model it gets ready for (StudyWorkerData.warmLlmModel). */
  readonly llmModel?: string;
}

export class StudyWorkerPool {
  private spare: Spare | undefined;
  private disposed = false;

  constructor(private readonly spawn: SpawnStudyWorker) {}

  /**
   * Starts a spare for `tablePath` (and `llmModel`, when given) unless one for it is alive; one for
   * another table is ended. A live spare for the table that was not asked for the model is told to
   * load it too (worker/warmLlm) rather than ended: it may be loading its table right now, and a new
   * one would start over, which a study started at once would wait for.
   */
  prepare(tablePath: string, llmModel?: string): void {
    const spare = this.spare;
    if (this.disposed) return;
    if (spare?.alive && spare.tablePath === tablePath) {
      if (llmModel !== undefined && !spare.llmModels.has(llmModel)) {
        spare.llmModels.add(llmModel);
        const warmLlm: WorkerWarmLlmCommand = { method: 'worker/warmLlm', params: { model: llmModel } };
        spare.worker.postMessage(warmLlm);
      }
      return;
    }
    this.dropSpare();
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = this.spawn({
      cancelFlag: cancelFlag.buffer as SharedArrayBuffer, warmTablePath: tablePath, ...(llmModel !== undefined ? { warmLlmModel: llmModel } : {}),
    });
    this.watch({ worker, cancelFlag, tablePath, llmModels: new Set(llmModel !== undefined ? [llmModel] : []), alive: true });
  }

  /**
   * A worker for a study on `tablePath`: the spare when it was made for that table and is alive, warm
   * or still loading (a start message waits in its queue until it is done, which is sooner than a
   * fresh worker's whole start), else a fresh one. Either way a new spare for the same table is
   * started for the next study (`next`).
   */
  take(tablePath: string, next: NextSpare = {}): SpawnedStudyWorker {
    const spare = this.spare;
    this.spare = undefined;
    let taken: SpawnedStudyWorker;
    if (spare?.alive && spare.tablePath === tablePath) {
      taken = { worker: spare.worker, cancelFlag: spare.cancelFlag };
    } else {
      if (spare) void spare.worker.terminate();
      const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
      taken = { worker: this.spawn({ cancelFlag: cancelFlag.buffer as SharedArrayBuffer }), cancelFlag };
    }
    const replace = () => this.prepare(tablePath, next.llmModel);
    if (next.after === undefined) replace();
    else next.after.then(replace, replace);
    return taken;
  }

  /** Ends the spare (extension deactivation); later calls start nothing. */
  dispose(): void {
    this.disposed = true;
    this.dropSpare();
  }

  private dropSpare(): void {
    if (this.spare) void this.spare.worker.terminate();
    this.spare = undefined;
  }

  private watch(spare: Spare): void {
    const { worker } = spare;
    // A spare that fails or exits while waiting is not handed out; the next take starts a fresh worker.
    worker.on('error', () => { spare.alive = false; });
    worker.on('exit', () => { spare.alive = false; });
    this.spare = spare;
  }
}
