import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableInfo } from '../../src/core/benchmark/benchmark';
import { EventLogError, EventLogWriter, readEventLog } from '../../src/core/study/eventLog';
import type { StudyEvent } from '../../src/core/events/studyEvents';

const TABLE: TableInfo = { label: 'test table', kind: 'bundled-model-calibrated', path: '/data/t.bin.gz', provenanceNote: 'epochs 1-199 are model-generated' };

function events(count: number): StudyEvent[] {
  const out: StudyEvent[] = [{ seq: 0, type: 'studyStarted', time: 0, studyId: 'log-test', spec: { seed: 1 }, table: TABLE, optimumError: 0.0563 }];
  for (let i = 1; i < count; i++) {
    out.push({ seq: i, type: 'result', time: i * 1.5, trialId: i % 7, epoch: 1 + (i % 200), error: (i % 97) / 100, seed: i % 3, elapsed: i, runtime: 1.5 });
  }
  return out;
}

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'event-log-'));
  try { body(join(dir, 'study')); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('events and study.json round-trip through the folder', () => withDir((dir) => {
  const log = new EventLogWriter(dir, { table: TABLE, now: () => new Date('2025-03-04T05:06:07Z') });
  const written = events(50);
  for (const event of written) log.sink(event);
  log.close();
  const read = readEventLog(dir);
  assert.deepEqual(read.events, written);
  assert.equal(read.truncatedTail, false);
  assert.equal(read.record.studyId, 'log-test');
  assert.equal(read.record.created, '2025-03-04T05:06:07.000Z');
  assert.deepEqual(read.record.spec, { seed: 1 });
  assert.equal(read.record.table.path, '/data/t.bin.gz', 'study.json keeps the table file path');
  assert.equal(read.record.optimumError, 0.0563);
  assert.equal(readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n').length, 51, 'one line per event plus the final newline');
}));

test('a crash mid-write loses only the cut-off last line', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  const written = events(20);
  for (const event of written) log.sink(event);
  log.close();
  appendFileSync(join(dir, 'events.jsonl'), '{"seq":20,"type":"res');
  const read = readEventLog(dir);
  assert.equal(read.truncatedTail, true);
  assert.deepEqual(read.events, written);
}));

test('a corrupt line that is not the last one is an error naming the line', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  for (const event of events(5)) log.sink(event);
  log.close();
  const path = join(dir, 'events.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[2] = '{broken';
  writeFileSync(path, lines.join('\n'));
  assert.throws(() => readEventLog(dir), (error: unknown) => error instanceof EventLogError && /events\.jsonl:3:/.test(error.message));
}));

test('large studies are flushed while running, on line boundaries', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  const written = events(6000); // about 600 kB of JSON: more than one flush threshold
  for (const event of written) log.sink(event);
  const partial = readEventLog(dir); // read before close(), as after a crash
  assert.ok(partial.events.length > 0 && partial.events.length < written.length, `flushed ${partial.events.length}`);
  assert.equal(partial.truncatedTail, false);
  assert.deepEqual(partial.events, written.slice(0, partial.events.length));
  log.close();
  assert.equal(readEventLog(dir).events.length, written.length);
}));

test('a slow study reaches the disk without waiting for more events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-log-slow-'));
  try {
    const log = new EventLogWriter(dir);
    for (const event of events(3)) log.sink(event);
    assert.equal(readEventLog(dir).events.length, 0, 'buffered at first');
    // No more events and no close(): only the writer's own flush timer can write them (waited for, not timed).
    while (readEventLog(dir).events.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(readEventLog(dir).events.length, 3, 'flushed by the timer');
    log.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder that already holds a study is refused unless overwrite is asked for', () => withDir((dir) => {
  const first = new EventLogWriter(dir);
  for (const event of events(3)) first.sink(event);
  first.close();
  assert.throws(() => new EventLogWriter(dir), /already holds a study/);
  assert.equal(readEventLog(dir).events.length, 3, 'the refused writer did not touch the study');
  const second = new EventLogWriter(dir, { overwrite: true });
  for (const event of events(2)) second.sink(event);
  second.close();
  assert.equal(readEventLog(dir).events.length, 2);
  assert.throws(() => readEventLog(join(dir, 'nope')), /not a study folder/);
}));

test('an event that does not fit its type is an error naming the line and the field', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  for (const event of events(5)) log.sink(event);
  log.close();
  const path = join(dir, 'events.jsonl');
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[3] = JSON.stringify({ ...JSON.parse(lines[3]), epoch: 'three' });
  writeFileSync(path, lines.join('\n'));
  assert.throws(() => readEventLog(dir), (error: unknown) => error instanceof EventLogError && /events\.jsonl:4: not a study event \(epoch: /.test(error.message));
  lines[3] = JSON.stringify({ seq: 3, time: 4, type: 'trialTeleported', trialId: 1 });
  writeFileSync(path, lines.join('\n'));
  assert.throws(() => readEventLog(dir), /events\.jsonl:4: unknown event type "trialTeleported" \(written by a newer LLAMBO NAS\?\)/);
}));

test('a study.json of a newer format version, or with fields missing, is refused with a clear error', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  for (const event of events(3)) log.sink(event);
  log.close();
  const path = join(dir, 'study.json');
  const record = JSON.parse(readFileSync(path, 'utf8'));
  assert.equal(record.formatVersion, 1);
  writeFileSync(path, JSON.stringify({ ...record, formatVersion: 2 }));
  assert.throws(() => readEventLog(dir), /study\.json: study format version 2 is newer than this build reads \(1\); update LLAMBO NAS/);
  writeFileSync(path, JSON.stringify({ ...record, studyId: undefined }));
  assert.throws(() => readEventLog(dir), /study\.json: not a study record \(studyId: /);
}));
