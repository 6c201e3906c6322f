/**
 * The worker_threads entry of a threaded `compare` (bundled to dist/compareWorker.js; see
 * compareThreads.ts). Started before there is work, it waits for the jobs: opens the shared table (or
 * loads the file itself when there is none to share), claims jobs (jobClaims.ts) until none is left and
 * posts each outcome as it ends; then it takes chunks of the summary's bootstrap intervals from a shared
 * counter. Baseline searchers only: LLM access does not cross threads, so comparisons
 * with an LLM searcher stay in the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { loadSharedTable, loadTable } from '../core/benchmark/tableLoader';
import { runCompareJob } from '../core/study/compareRunner';
import { intervalsOf } from '../core/study/iqmCiBatch';
import type { CompareWorkerMessage, CompareWorkerRequest } from './compareThreads';
import { claimJobs } from './jobClaims';

const port = parentPort;
if (!port) throw new Error('compareWorker must run in a worker thread');
const post = (message: CompareWorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);

const fail = (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });

port.on('message', (request: CompareWorkerRequest) => {
  if (request.kind === 'jobs') {
    runJobs(request).catch(fail);
    return;
  }
  try {
    runIntervals(request);
  } catch (error) {
    fail(error);
  }
});

async function runJobs(request: Extract<CompareWorkerRequest, { kind: 'jobs' }>): Promise<void> {
  const started = performance.now();
  const benchmark = 'shared' in request.table ? loadSharedTable(request.table.shared) : loadTable(request.table.path);
  try {
    for (const index of claimJobs(request.claims, request.jobs.length, request.runner, request.runners)) {
      post({ kind: 'run', index, run: await runCompareJob(request.jobs[index], { benchmark, baseSpec: request.baseSpec }) });
    }
  } finally {
    // Closed before the thread is ended: its open files belong to the process and would stay open.
    benchmark.close();
  }
  post({ kind: 'jobsDone', busyMs: performance.now() - started });
}

function runIntervals(request: Extract<CompareWorkerRequest, { kind: 'intervals' }>): void {
  const started = performance.now();
  const { requests, chunk } = request;
  const counter = new Int32Array(request.next);
  const chunks = Math.ceil(requests.length / chunk);
  for (let c = Atomics.add(counter, 0, 1); c < chunks; c = Atomics.add(counter, 0, 1)) {
    const from = c * chunk;
    const intervals = intervalsOf(requests, from, Math.min(from + chunk, requests.length));
    post({ kind: 'intervals', from, intervals }, [intervals.buffer as ArrayBuffer]);
  }
  post({ kind: 'intervalsDone', busyMs: performance.now() - started });
}
