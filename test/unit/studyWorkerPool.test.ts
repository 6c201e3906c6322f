import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { StudyWorkerData, WorkerStartParams } from '../../src/protocol';
import { StudyWorkerHost } from '../../src/extension/studyWorkerHost';
import { StudyWorkerPool, type StudyWorkerPort } from '../../src/extension/studyWorkerPool';

/** A worker stand-in: records what it was given and posted, and ends when told to. */
class RecordingWorker extends EventEmitter implements StudyWorkerPort {
  readonly posted: unknown[] = [];
  terminated = false;
  constructor(readonly data: StudyWorkerData) { super(); }
  postMessage(message: unknown): void { this.posted.push(message); }
  terminate(): Promise<number> {
    this.terminated = true;
    return Promise.resolve(1);
  }
}

function recordingPool() {
  const spawned: RecordingWorker[] = [];
  const pool = new StudyWorkerPool((data) => {
    const worker = new RecordingWorker(data);
    spawned.push(worker);
    return worker;
  });
  return { pool, spawned };
}

const TABLE = '/tables/a.bin.gz';
const params: WorkerStartParams = { spec: { searcher: 'random', hours: 1 }, tablePath: TABLE, studyDir: '/studies/s' };

test('a prepared spare is handed to the next study on its table, and the next spare is started at once', () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE);
  pool.prepare(TABLE);
  assert.equal(spawned.length, 1, 'a second prepare for the same table starts nothing');
  assert.equal(spawned[0].data.warmTablePath, TABLE);
  const taken = pool.take(TABLE);
  assert.equal(taken.worker, spawned[0]);
  assert.equal(taken.cancelFlag.buffer, spawned[0].data.cancelFlag, 'the host raises the flag the worker was given');
  assert.equal(spawned.length, 2);
  assert.equal(spawned[1].data.warmTablePath, TABLE);
  assert.equal(pool.take(TABLE).worker, spawned[1]);
});

test('a study taken with next.after gets its spare at once and the next spare only when next.after settles', async () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE);
  let started!: () => void;
  const pastStart = new Promise<void>((resolve) => { started = resolve; });
  assert.equal(pool.take(TABLE, { after: pastStart }).worker, spawned[0]);
  await new Promise((r) => setImmediate(r));
  assert.equal(spawned.length, 1, 'no spare loads its table while the study starts');
  started();
  await pastStart;
  await new Promise((r) => setImmediate(r));
  assert.equal(spawned.length, 2);
  assert.equal(spawned[1].data.warmTablePath, TABLE);
  pool.take(TABLE, { after: Promise.reject(new Error('the study failed to start')) });
  await new Promise((r) => setImmediate(r));
  assert.equal(spawned.length, 3, 'a failed start still leaves a spare for the next one');
});

test('a spare for an LLM model loads it too; it serves any study on its table, and the next spare is made for the model asked', () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE, 'gpt-4o-mini');
  assert.equal(spawned[0].data.warmLlmModel, 'gpt-4o-mini');
  pool.prepare(TABLE);
  pool.prepare(TABLE, 'gpt-4o-mini');
  assert.equal(spawned.length, 1, 'the spare for the model also serves a study without one');
  assert.deepEqual(spawned[0].posted, [], 'nothing more to load');
  assert.equal(pool.take(TABLE, { llmModel: 'llama3.1' }).worker, spawned[0]);
  assert.equal(spawned[1].data.warmTablePath, TABLE);
  assert.equal(spawned[1].data.warmLlmModel, 'llama3.1');
  assert.equal(pool.take(TABLE).worker, spawned[1]);
  assert.equal(spawned[2].data.warmLlmModel, undefined);
});

test('a live spare asked for a model it was not made for is told to load it, not ended and started over', () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE);
  pool.prepare(TABLE, 'gpt-4o-mini');
  pool.prepare(TABLE, 'gpt-4o-mini');
  assert.equal(spawned.length, 1, 'the spare that may be loading its table stays');
  assert.equal(spawned[0].terminated, false);
  assert.deepEqual(spawned[0].posted, [{ method: 'worker/warmLlm', params: { model: 'gpt-4o-mini' } }], 'told once');
  pool.prepare(TABLE, 'llama3.1');
  assert.deepEqual(spawned[0].posted.at(-1), { method: 'worker/warmLlm', params: { model: 'llama3.1' } });
  const host = new StudyWorkerHost(pool.take(TABLE), params, { onEvents: () => undefined });
  assert.deepEqual(spawned[0].posted.at(-1), { method: 'worker/start', params }, 'the start follows what it was told to load');
  host.dispose();
  pool.dispose();
});

test('a spare still loading is handed to a study started at once, rather than a cold worker', () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE, 'gpt-4o-mini');
  // No worker/warm from it yet: it is still loading its table.
  assert.equal(pool.take(TABLE, { llmModel: 'gpt-4o-mini' }).worker, spawned[0]);
  assert.equal(spawned.length, 2, 'only the next spare was started');
  pool.dispose();
});

test('without a spare, or with one for another table, a study gets a fresh worker and the wrong spare is ended', () => {
  const { pool, spawned } = recordingPool();
  const first = pool.take(TABLE);
  assert.equal(first.worker, spawned[0]);
  assert.equal(spawned[0].data.warmTablePath, undefined, 'a worker taken cold loads the table on start');
  assert.equal(spawned[1].data.warmTablePath, TABLE);
  const other = pool.take('/tables/b.bin.gz');
  assert.equal(spawned[1].terminated, true);
  assert.equal(other.worker, spawned[2]);
  assert.equal(spawned[3].data.warmTablePath, '/tables/b.bin.gz');
});

test('a spare that died while waiting is not handed out; dispose ends the spare and stops making new ones', () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE);
  spawned[0].emit('exit', 1);
  const taken = pool.take(TABLE);
  assert.notEqual(taken.worker, spawned[0]);
  assert.equal(spawned.length, 3, 'a fresh worker for the study, then a new spare');
  pool.dispose();
  assert.equal(spawned[2].terminated, true);
  pool.prepare(TABLE);
  assert.equal(spawned.length, 3);
});

test('the host starts the study on the worker it is given and settles with its outcome', async () => {
  const { pool, spawned } = recordingPool();
  pool.prepare(TABLE);
  const batches: unknown[] = [];
  const host = new StudyWorkerHost(pool.take(TABLE), params, { onEvents: (events) => batches.push(events) });
  const worker = spawned[0];
  assert.deepEqual(worker.posted, [{ method: 'worker/start', params }]);
  worker.emit('message', { method: 'worker/events', params: { studyId: 's', events: [] } });
  const summary = { studyId: 's' };
  worker.emit('message', { method: 'worker/finished', params: { summary } });
  assert.deepEqual(await host.ended, { kind: 'finished', summary, cancelled: false });
  assert.equal(batches.length, 1);
  assert.equal(worker.terminated, true);
  assert.equal(spawned[1].terminated, false, 'the next spare waits for the next study');
});

test("the host hands the worker's start steps to its callback", () => {
  const { pool, spawned } = recordingPool();
  const steps: unknown[] = [];
  const host = new StudyWorkerHost(pool.take(TABLE), { ...params, timeSteps: true }, { onEvents: () => undefined, onStartSteps: (marks) => steps.push(marks) });
  spawned[0].emit('message', { method: 'worker/startSteps', params: { marks: { startReceived: 12 } } });
  spawned[0].emit('message', { method: 'worker/warm', params: { tableLoaded: true } });
  assert.deepEqual(steps, [{ startReceived: 12 }]);
  assert.equal(host.running, true, 'a message the host does not act on changes nothing');
  host.dispose();
  pool.dispose();
});

test('cancel raises the shared flag of the taken worker and posts worker/cancel', async () => {
  const { pool, spawned } = recordingPool();
  const taken = pool.take(TABLE);
  const host = new StudyWorkerHost(taken, params, { onEvents: () => undefined }, 10_000);
  const ended = host.cancel();
  assert.equal(Atomics.load(new Int32Array(spawned[0].data.cancelFlag), 0), 1);
  assert.deepEqual(spawned[0].posted[1], { method: 'worker/cancel', params: {} });
  spawned[0].emit('message', { method: 'worker/finished', params: { summary: { studyId: 's' } } });
  assert.equal((await ended).kind, 'finished');
  pool.dispose();
});
