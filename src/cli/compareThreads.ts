/**
 * `compare` on several cores: the comparison's jobs (entry x seed) are dealt round-robin to worker
 * threads (compareWorker.ts), each running the core's runCompareJobs on its own copy of the table, and the
 * outcomes are put back in job order before the core summarises them. Every study depends only on its
 * entry and seed, so the result is the same for any number of threads and the same as runComparison's.
 * Cancelling (Ctrl-C) terminates every thread and rejects with "comparison cancelled" (exit code 130).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  comparisonOfRuns, compareJobs, type CompareJob, type CompareOptions, type CompareRun, type ComparisonResult,
} from '../core/study/compareRunner';
import type { StudySpecInput } from '../core/study/studySpec';

export interface CompareWorkerData {
  readonly tablePath: string;
  readonly baseSpec: StudySpecInput;
  /** The thread's jobs, each with its index in compareJobs order. */
  readonly jobs: readonly { readonly index: number; readonly job: CompareJob }[];
}

export type CompareWorkerMessage =
  | { readonly kind: 'run'; readonly index: number; readonly run: CompareRun }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly message: string };

/** Most threads worth starting: beyond this the table copies cost more memory than the cores give back. */
export const MAX_COMPARE_THREADS = 8;

/**
 * Threads for a comparison when the user did not say: one per core, capped by the job count and
 * MAX_COMPARE_THREADS; 0 (run in this thread) on one core, for a single job, or with an LLM searcher.
 */
export function autoCompareThreads(jobCount: number, usesLlm: boolean, cores: number = availableParallelism()): number {
  if (usesLlm || cores < 2 || jobCount < 2) return 0;
  return Math.min(cores, jobCount, MAX_COMPARE_THREADS);
}

/** Runs the comparison on `threads` (>= 1) worker threads; the result equals runComparison(options)'s but for wall times. */
export function runComparisonOnThreads(options: CompareOptions, threads: number): Promise<ComparisonResult> {
  const started = performance.now();
  const jobs = compareJobs(options.entries, options.seeds);
  const dealt = Array.from({ length: Math.min(threads, jobs.length) }, (_, t) =>
    jobs.flatMap((job, index) => (index % threads === t ? [{ index, job }] : [])));
  const runs = new Array<CompareRun | undefined>(jobs.length);
  let done = 0;
  return new Promise<ComparisonResult>((resolve, reject) => {
    const workers: Worker[] = [];
    let finishedThreads = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', cancel);
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const cancel = () => fail(new Error('comparison cancelled'));
    if (options.signal?.aborted) { cancel(); return; }
    options.signal?.addEventListener('abort', cancel, { once: true });
    for (const share of dealt) {
      const data: CompareWorkerData = { tablePath: options.benchmark.info.path, baseSpec: options.baseSpec, jobs: share };
      const worker = startCompareWorker(data);
      workers.push(worker);
      worker.on('error', (error) => fail(error));
      let finished = false;
      worker.on('exit', (code) => { if (!finished) fail(new Error(`a compare worker thread exited with code ${code} before its last study`)); });
      worker.on('message', (message: CompareWorkerMessage) => {
        if (settled) return;
        if (message.kind === 'failed') { fail(new Error(message.message)); return; }
        if (message.kind === 'run') {
          runs[message.index] = message.run;
          options.onProgress?.({ done: ++done, total: jobs.length, label: message.run.label, seed: message.run.seed });
          return;
        }
        // The thread ends by itself now: nothing keeps its event loop alive.
        finished = true;
        if (++finishedThreads < dealt.length) return;
        settled = true;
        options.signal?.removeEventListener('abort', cancel);
        resolve(comparisonOfRuns(options, runs as CompareRun[], performance.now() - started));
      });
    }
  });
}

/**
 * The bundle dist/compareWorker.js beside dist/cli.js; running from source (tsx, the tests), the
 * TypeScript entry through tsx's require hook, since a worker does not inherit the parent's loader.
 */
function startCompareWorker(workerData: CompareWorkerData): Worker {
  const name = 'llambo-nas-compare';
  if (__filename.endsWith('.ts')) {
    const entry = JSON.stringify(join(__dirname, 'compareWorker.ts'));
    return new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true, workerData, name });
  }
  return new Worker(join(__dirname, 'compareWorker.js'), { workerData, name });
}
