import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { toArchString } from '../../src/core/nb201/searchSpace';
import type { StudyEvent, StudyEventDraft } from '../../src/core/events/studyEvents';
import type { StudyRecord } from '../../src/core/study/eventLog';
import { ExportConflictError, studyExportFiles, writeStudyExport } from '../../src/core/study/studyExport';
import { SYNE_TUNE_RESULT_COLUMNS } from '../../src/core/study/syneTuneExport';

const TABLE = { label: 'nb201-c10-mf.v1 (bundled; epochs 1-199 model-generated)', kind: 'bundled-model-calibrated', provenanceNote: 'epochs 1-199 are model-generated' };

const record: StudyRecord = {
  formatVersion: 1, studyId: 'fixture', created: '2025-01-02T03:04:05.000Z',
  spec: { searcher: 'bohb', scheduler: 'sync-hyperband', seed: 7, workers: 4, budgetSeconds: 18000, tag: 'nightly' },
  table: TABLE, optimumError: 0.0563,
};

/** A small hand-made study covering every way a result can be followed: continue, pause, resume, stop, complete, budget. */
function scenario(): StudyEvent[] {
  const drafts: StudyEventDraft[] = [];
  const start = (trialId: number, ops: number[], time: number) =>
    drafts.push({ type: 'trialStarted', time, trialId, arch: toArchString(ops), ops, bracket: 0, untilEpoch: 1, seed: trialId % 3 });
  const result = (trialId: number, epoch: number, error: number | null, time: number) =>
    drafts.push({ type: 'result', time, trialId, epoch, error, seed: trialId % 3, elapsed: epoch * 10, runtime: 10 });
  drafts.push({ type: 'studyStarted', time: 0, studyId: 'fixture', spec: record.spec, table: TABLE, optimumError: 0.0563 });
  start(0, [3, 3, 3, 1, 3, 2], 0);
  start(1, [0, 0, 0, 0, 0, 0], 0);
  start(4, [1, 2, 3, 4, 0, 1], 0);
  result(0, 1, 0.5, 10);
  drafts.push({ type: 'trialPaused', time: 10, trialId: 0, epoch: 1 });
  result(1, 1, null, 12);
  drafts.push({ type: 'trialStopped', time: 12, trialId: 1, epoch: 1, reason: 'failed' });
  result(4, 1, 0.7, 13);
  drafts.push({ type: 'trialPaused', time: 13, trialId: 4, epoch: 1 });
  drafts.push({ type: 'trialStopped', time: 13, trialId: 4, epoch: 1, reason: 'notPromoted' });
  drafts.push({ type: 'trialResumed', time: 13, trialId: 0, bracket: 0, fromEpoch: 1, untilEpoch: 3 });
  result(0, 2, 0.4, 20);
  result(0, 3, 0.3, 30);
  drafts.push({ type: 'trialStopped', time: 30, trialId: 0, epoch: 3, reason: 'completed' });
  start(2, [2, 2, 2, 2, 2, 2], 30);
  result(2, 1, 0.6, 35);
  start(3, [4, 4, 4, 4, 4, 4], 30);
  result(3, 1, 0.65, 36);
  drafts.push({ type: 'trialStopped', time: 36, trialId: 3, epoch: 1, reason: 'budget' });
  drafts.push({ type: 'studyFinished', time: 36, reason: 'budget', trialsStarted: 5, resultsReported: 7, bestError: 0.3, bestErrorAtMax: 0.3, incumbentArch: toArchString([3, 3, 3, 1, 3, 2]) });
  return drafts.map((draft, seq) => ({ seq, ...draft }) as StudyEvent);
}


/** The Syne Tune part of the study export. */
function syneTuneFiles(events: readonly StudyEvent[]): Record<string, Uint8Array> {
  return studyExportFiles(events, { created: record.created, format: 'synetune' });
}

function readResults(files: Record<string, Uint8Array>): string[][] {
  const entries = unzipSync(files['results.csv.zip']);
  assert.deepEqual(Object.keys(entries), ['results.csv']);
  const lines = strFromU8(entries['results.csv']).trimEnd().split('\n');
  return lines.map((line) => line.split(','));
}

test('results.csv.zip holds exactly the Syne Tune columns and one row per result event', () => {
  const events = scenario();
  const rows = readResults(syneTuneFiles(events));
  assert.deepEqual(rows[0], [
    'trial_id', 'hp_epoch', 'metric_valid_error', 'metric_runtime', 'metric_elapsed_time', 'st_tuner_time',
    'st_decision', 'st_status', 'config_hp_x0', 'config_hp_x1', 'config_hp_x2', 'config_hp_x3', 'config_hp_x4', 'config_hp_x5',
  ]);
  assert.deepEqual(rows[0], [...SYNE_TUNE_RESULT_COLUMNS]);
  const resultEvents = events.filter((e) => e.type === 'result');
  assert.equal(rows.length - 1, resultEvents.length);
  for (const row of rows) assert.equal(row.length, rows[0].length);
  // Rows follow the result events in order, with their simulated time and the trial's config.
  resultEvents.forEach((event, i) => {
    assert.equal(Number(rows[i + 1][0]), event.trialId);
    assert.equal(Number(rows[i + 1][1]), event.epoch);
    assert.equal(Number(rows[i + 1][5]), event.time);
  });
  assert.deepEqual(rows[1].slice(8), ['nor_conv_3x3', 'nor_conv_3x3', 'nor_conv_3x3', 'skip_connect', 'nor_conv_3x3', 'nor_conv_1x1']);
});

test('st_decision / st_status follow what the trial did after each result', () => {
  const rows = readResults(syneTuneFiles(scenario())).slice(1);
  const decision = (trial: number, epoch: number) => {
    const row = rows.find((r) => r[0] === String(trial) && r[1] === String(epoch));
    assert.ok(row, `row for trial ${trial} epoch ${epoch}`);
    return `${row[6]}/${row[7]}`;
  };
  assert.equal(decision(0, 1), 'PAUSE/Paused');
  assert.equal(decision(1, 1), 'STOP/Stopped');
  assert.equal(decision(4, 1), 'PAUSE/Paused');
  assert.equal(decision(0, 2), 'CONTINUE/InProgress');
  assert.equal(decision(0, 3), 'CONTINUE/Completed');
  assert.equal(decision(2, 1), 'CONTINUE/InProgress');
  assert.equal(decision(3, 1), 'CONTINUE/InProgress');
  // A failed evaluation has an empty metric (pandas writes NaN as empty).
  assert.equal(rows.find((r) => r[0] === '1')![2], '');
});

test('metadata.json has the Syne Tune keys and names the table', () => {
  const metadata = JSON.parse(strFromU8(syneTuneFiles(scenario())['metadata.json']));
  for (const key of ['metric_names', 'metric_mode', 'algorithm', 'seed', 'tag', 'benchmark', 'scheduler_name', 'table']) {
    assert.ok(key in metadata, `metadata.json lacks ${key}`);
  }
  assert.deepEqual(metadata.metric_names, ['metric_valid_error']);
  assert.equal(metadata.metric_mode, 'min');
  assert.equal(metadata.algorithm, 'bohb-sync-hyperband');
  assert.equal(metadata.seed, 7);
  assert.equal(metadata.tag, 'nightly');
  assert.equal(metadata.benchmark, 'nas201-cifar10');
  assert.equal(metadata.scheduler_name, 'SynchronousGeometricHyperbandScheduler');
  assert.equal(metadata.table.label, TABLE.label);
  assert.match(metadata.table.provenanceNote, /model-generated/);
  assert.equal(metadata.st_tuner_creation_timestamp, Date.parse(record.created) / 1000);
});

test('writeStudyExport refuses to overwrite existing files unless forced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-synetune-'));
  try {
    const events = scenario();
    const options = { created: record.created, format: 'synetune' } as const;
    writeFileSync(join(dir, 'metadata.json'), 'keep me');
    assert.throws(() => writeStudyExport(dir, events, options), (error: unknown) =>
      error instanceof ExportConflictError && error.existing.length === 1 && error.existing[0].endsWith('metadata.json'));
    assert.equal(readFileSync(join(dir, 'metadata.json'), 'utf8'), 'keep me');
    assert.equal(existsSync(join(dir, 'results.csv.zip')), false, 'nothing is written when the export refuses');
    const written = writeStudyExport(dir, events, { ...options, overwrite: true });
    assert.equal(written.length, 2);
    assert.equal(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')).study_id, 'fixture');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
