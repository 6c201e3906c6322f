import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { loadTable } from '../../src/core/benchmark/tableLoader';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { createSearcher } from '../../src/core/searchers/searcherFactory';
import type { Searcher, SearcherContext } from '../../src/core/searchers/searcher';
import { EventLogWriter, readEventLog } from '../../src/core/study/eventLog';
import type { StudyEvent } from '../../src/core/events/studyEvents';
import { runStudy } from '../../src/core/study/studyRunner';
import { studyExportFiles } from '../../src/core/study/studyExport';
import { StudyReadModel } from '../../src/core/readModel/studyReadModel';
import { StudyResultFold } from '../../src/core/readModel/studyResult';

const benchmark = loadTable();
const SHORT = { searcher: 'random', scheduler: 'sync-hyperband', workers: 4, hours: 1 } as const;

async function logStudy(dir: string, spec: Record<string, unknown>): Promise<string> {
  const log = new EventLogWriter(dir, { table: benchmark.info });
  try {
    await runStudy(spec, { benchmark, sinks: [log.sink] });
  } finally {
    log.close();
  }
  return readFileSync(join(dir, 'events.jsonl'), 'utf8');
}

test('same spec and seed twice give a byte-identical events.jsonl; another seed does not', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runner-determinism-'));
  try {
    for (const searcher of ['random', 'bohb']) {
      const spec = { ...SHORT, searcher, seed: 3, studyId: `det-${searcher}` };
      const a = await logStudy(join(root, `${searcher}-a`), spec);
      const b = await logStudy(join(root, `${searcher}-b`), spec);
      assert.ok(a.length > 10000, 'a real study was logged');
      assert.equal(a, b, `${searcher}: runs differ`);
      const c = await logStudy(join(root, `${searcher}-c`), { ...spec, seed: 4 });
      assert.notEqual(a, c);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the event stream is numbered, framed by studyStarted/studyFinished and agrees with the summary', async () => {
  const events: StudyEvent[] = [];
  const summary = await runStudy({ ...SHORT, seed: 1, studyId: 'framed' }, { benchmark, sinks: [(e) => events.push(e)] });
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
  assert.equal(summary.eventCount, events.length);
  const first = events[0], last = events[events.length - 1];
  assert.equal(first.type, 'studyStarted');
  if (first.type === 'studyStarted') {
    assert.equal(first.studyId, 'framed');
    assert.equal(first.table.label, benchmark.info.label);
    assert.match(first.table.provenanceNote, /model-generated/);
    assert.equal(first.optimumError, benchmark.optimumError);
    assert.equal((first.spec as { budgetSeconds: number }).budgetSeconds, 3600, 'the spec is recorded with defaults resolved');
  }
  assert.equal(last.type, 'studyFinished');
  if (last.type === 'studyFinished') {
    assert.equal(last.reason, 'budget');
    assert.equal(last.trialsStarted, summary.trialsStarted);
    assert.equal(last.bestErrorAtMax, summary.bestErrorAtMax);
    assert.equal(last.time, summary.simulatedSeconds);
  }
  assert.equal(events.filter((e) => e.type === 'result').length, summary.resultsReported);
  assert.equal(events.filter((e) => e.type === 'trialStarted').length, summary.trialsStarted);
  assert.equal(StudyReadModel.of(events).trials.size, summary.trialsStarted);
  assert.equal(summary.table, benchmark.info.label);
  assert.ok(summary.wallMs > 0);
  let time = 0;
  for (const e of events) { assert.ok(e.time >= time, `time goes back at seq ${e.seq}`); time = e.time; }
});

test('a persisted real study exports one Syne Tune row per result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-export-'));
  try {
    await logStudy(dir, { ...SHORT, seed: 2, studyId: 'export-real' });
    const contents = readEventLog(dir);
    const results = contents.events.filter((e) => e.type === 'result').length;
    const csv = strFromU8(unzipSync(studyExportFiles(contents.events, { created: contents.record.created, format: 'synetune' })['results.csv.zip'])['results.csv']);
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length - 1, results);
    const decisions = new Set(lines.slice(1).map((l) => l.split(',').slice(6, 8).join('/')));
    assert.ok(decisions.has('PAUSE/Paused') && decisions.has('CONTINUE/InProgress'), [...decisions].join(' '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('searcher notices become fallback/searcherInfo events; the searcher context is derived from the seed', async () => {
  const contexts: SearcherContext[] = [];
  const wrap = (): Searcher => {
    const inner = createSearcher('random');
    let told = false;
    return {
      name: 'noisy-random',
      configure: (context) => { contexts.push(context); inner.configure(context); },
      suggest: (request) => {
        if (!told) { told = true; contexts[contexts.length - 1].emit?.({ kind: 'fallback', message: 'fell back', detail: { why: 'test' } }); }
        return inner.suggest(request);
      },
      onPending: (id, cell) => inner.onPending(id, cell),
      onResult: (o) => inner.onResult(o),
      onFailure: (id, cell) => inner.onFailure(id, cell),
      state: () => inner.state(),
      restore: (s) => inner.restore(s),
    };
  };
  const events: StudyEvent[] = [];
  const summary = await runStudy({ ...SHORT, hours: 0.2, seed: 9, studyId: 'notices' }, { benchmark, sinks: [(e) => events.push(e)], searcher: wrap() });
  assert.equal(summary.searcher, 'noisy-random');
  const fallback = events.find((e) => e.type === 'fallback');
  assert.ok(fallback && fallback.type === 'fallback' && fallback.message === 'fell back');
  await runStudy({ ...SHORT, hours: 0.2, seed: 9, studyId: 'notices' }, { benchmark, searcher: wrap() });
  assert.deepEqual(contexts[0].rungLevels, [1, 3, 9, 27, 81, 200]);
  assert.equal(contexts[0].maxEpoch, 200);
  assert.equal(contexts[0].initialDesignRng.next(), contexts[1].initialDesignRng.next(), 'same seed, same initial design stream');
  assert.equal(contexts[0].isoClassOf([3, 3, 3, 1, 3, 2]), benchmark.isoClass(benchmark.indexOf([3, 3, 3, 1, 3, 2])));
});

test('a bad spec or an r_max beyond the table is rejected before anything runs', async () => {
  const events: StudyEvent[] = [];
  await assert.rejects(runStudy({ workers: 0 }, { benchmark, sinks: [(e) => events.push(e)] }), /spec\.workers: must be an integer in \[1, 256\] \(got 0\)/);
  await assert.rejects(runStudy({ rMax: 201 }, { benchmark }), /spec\.rMax: must be an integer in \[1, 200\] \(got 201\)/);
  await assert.rejects(runStudy({ rMax: 150 }, { benchmark: makeFakeBenchmark({ maxEpoch: 100 }) }), /spec\.rMax: must be <= the table's largest epoch 100/);
  assert.equal(events.length, 0);
});

test('a failure inside the study ends the stream with a studyError event and rejects', async () => {
  const broken: Searcher = {
    name: 'broken', configure: () => {}, suggest: () => { throw new Error('searcher exploded'); },
    onPending: () => {}, onResult: () => {}, onFailure: () => {}, state: () => null, restore: () => {},
  };
  const events: StudyEvent[] = [];
  await assert.rejects(runStudy({ ...SHORT, studyId: 'broken' }, { benchmark, sinks: [(e) => events.push(e)], searcher: broken }), /searcher exploded/);
  assert.equal(events[0].type, 'studyStarted');
  const last = events[events.length - 1];
  assert.ok(last.type === 'studyError' && /searcher exploded/.test(last.message));
});

test('without sinks only the events the result fold reads are built, and the summary is the one a study with a sink gets', async () => {
  for (const spec of [
    { ...SHORT, seed: 5 }, { ...SHORT, scheduler: 'asha', searcher: 'rea', seed: 6 }, { ...SHORT, searcher: 'dehb', scheduler: 'dehb', seed: 7 },
    { ...SHORT, scheduler: 'sync-sh', searcher: 'bohb', seed: 8 },
  ] as const) {
    const events: StudyEvent[] = [];
    const { wallMs: _a, ...logged } = await runStudy({ ...spec, studyId: 'reads' }, { benchmark, sinks: [(e) => events.push(e)] });
    const { wallMs: _b, ...headless } = await runStudy({ ...spec, studyId: 'reads' }, { benchmark });
    assert.deepEqual(headless, logged, `${spec.searcher}@${spec.scheduler}: same summary, event count included`);
    assert.equal(logged.eventCount, events.length);
    // The fold sees only the types it says it reads and must come to the same result as from every event.
    const all = new StudyResultFold(), read = new StudyResultFold();
    for (const event of events) {
      all.add(event);
      if (StudyResultFold.READS.has(event.type)) read.add(event);
    }
    assert.ok(events.some((e) => !StudyResultFold.READS.has(e.type)), 'the study has events the fold does not read');
    assert.deepEqual(read.current, all.current);
    assert.deepEqual(read.incumbentAtMax, all.incumbentAtMax);
    assert.deepEqual(read.headline, logged.headline);
  }
});

