import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFakeBenchmark } from '../support/fakeBenchmark';
import { EventLogError, EventLogWriter, openEventLog, readEventLog, type EventLogFiles } from '../../src/core/study/eventLog';
import { fileLines } from '../../src/core/study/jsonlLines';
import { writeStudyExport } from '../../src/core/study/studyExport';
import { runStudy } from '../../src/core/study/studyRunner';
import { runCli } from '../../src/cli/main';

/** Node's file operations, except that events.jsonl takes only `capacity` bytes: then short writes, then ENOSPC. */
function diskOf(capacity: number, onWrite?: () => void): EventLogFiles & { attempts: number } {
  let used = 0;
  const disk = {
    ...fs,
    attempts: 0,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
      disk.attempts++;
      onWrite?.();
      const room = capacity - used;
      if (room <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const written = fs.writeSync(fd, buffer, offset, Math.min(length, room));
      used += written;
      return written;
    },
  };
  return disk;
}

function withDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'event-log-faults-'));
  return Promise.resolve(body(join(root, 'study'))).finally(() => rmSync(root, { recursive: true, force: true }));
}

const benchmark = makeFakeBenchmark();
const spec = { searcher: 'random', workers: 8, hours: 20, seed: 3, studyId: 'disk-full' } as const;

test('a full disk stops the study with one EventLogError; the log stays whole lines, and export reads that prefix', () => withDir(async (dir) => {
  const disk = diskOf(300_000);
  const log = new EventLogWriter(dir, { table: benchmark.info, files: disk });
  const seen: string[] = [];
  await assert.rejects(
    runStudy(spec, { benchmark, sinks: [log.sink, (event) => seen.push(event.type)] }),
    (error: unknown) => error instanceof EventLogError &&
      /^cannot write .*events\.jsonl: the disk is full \(ENOSPC\)\. The study stopped; .* keeps its first \d+ events \(whole lines\)/.test(error.message),
  );
  assert.equal(seen.at(-1), 'studyError', 'the other sinks hear why the study ended');
  assert.doesNotThrow(() => log.close(), 'the failure is reported once');
  const text = readFileSync(log.eventsPath, 'utf8');
  assert.ok(text.length > 0 && text.length <= 300_000);
  assert.ok(text.endsWith('\n'), 'the cut-off line was truncated away');
  const read = readEventLog(dir);
  assert.equal(read.truncatedTail, false);
  assert.equal(read.events.length, log.eventsWritten);
  assert.deepEqual(read.events.map((e) => e.seq), read.events.map((_, i) => i), 'a prefix: no gap, no torn line');
  const written = writeStudyExport(join(dir, '..', 'export'), read.events, { created: read.record.created });
  assert.ok(written.some((path) => path.endsWith('results.csv.zip')));
  const lines: string[] = [];
  const out = { stdout: (line: string) => lines.push(line), stderr: (line: string) => lines.push(line), progressStream: undefined };
  assert.equal(await runCli(['export', '--study', dir, '--out', join(dir, '..', 'cli-export'), '--format', 'csv'], out as never), 0, lines.join('\n'));
  assert.ok(lines.includes(`Exported ${log.eventsWritten} events of disk-full (table: ${benchmark.info.label}).`), lines.join('\n'));
}));

test('a short write is completed, not lost', () => withDir((dir) => {
  let calls = 0;
  const halves: EventLogFiles = { ...fs, writeSync: (fd, buffer, offset, length) => { calls++; return fs.writeSync(fd, buffer, offset, Math.ceil(length / 2)); } };
  const log = new EventLogWriter(dir, { files: halves });
  log.append({ seq: 0, type: 'studyStarted', time: 0, studyId: 'short', spec: {}, table: benchmark.info, optimumError: 0.05 });
  log.append({ seq: 1, type: 'searcherInfo', time: 0, message: 'x'.repeat(1000) });
  log.close();
  assert.ok(calls > 2, `${calls} writes`);
  assert.equal(readEventLog(dir).events.length, 2);
}));

test('ENOSPC on the flush timer throws nowhere; the next append (or close) reports it once', () => withDir(async (dir) => {
  let failed!: () => void;
  const timerWrite = new Promise<void>((resolve) => { failed = resolve; });
  const disk = diskOf(0, () => failed());
  const log = new EventLogWriter(dir, { files: disk });
  log.append({ seq: 0, type: 'studyStarted', time: 0, studyId: 'timer', spec: {}, table: benchmark.info, optimumError: 0.05 });
  const keepAlive = setInterval(() => undefined, 1000); // the writer's timer is unref'd: keep the test's loop running
  try {
    await timerWrite; // the timer flushed and hit the full disk: no uncaught exception follows
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    clearInterval(keepAlive);
  }
  assert.throws(() => log.append({ seq: 1, type: 'searcherInfo', time: 0, message: 'after' }), /the disk is full \(ENOSPC\).*keeps its first 0 events/);
  log.append({ seq: 2, type: 'searcherInfo', time: 0, message: 'dropped' });
  log.close();
  assert.equal(disk.attempts, 1, 'nothing is written after the failure');
  assert.equal(readFileSync(log.eventsPath, 'utf8'), '');
}));

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const fullDevice = '/dev/full'; // Linux: every write fails with ENOSPC, a real full disk without a small tmpfs
const cliSkip = !fs.existsSync(CLI) ? `${CLI} is missing (npm test builds it first)` : !fs.existsSync(fullDevice) ? `${fullDevice} is missing` : false;

test('CLI: a full disk ends `study --out` with one message and exit 1, no stack trace', { skip: cliSkip }, () => withDir((dir) => {
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(fullDevice, join(dir, 'events.jsonl'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENAI_API_KEY|LLAMBO_BASE_URL|LLAMBO_MODEL)$/.test(name)));
  const run = spawnSync(process.execPath, [CLI, 'study', '--searcher', 'random', '--hours', '1', '--out', dir, '--force'], { encoding: 'utf8', env });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /^error: cannot write .*events\.jsonl: the disk is full \(ENOSPC\)\. The study stopped; .* keeps its first 0 events/);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.equal(run.stdout, '', 'no summary of a study that was not saved');
}));

test('the reader streams: chunks split lines and UTF-8 characters anywhere; line numbers count from 1', () => withDir((dir) => {
  fs.mkdirSync(dir, { recursive: true });
  const path = join(dir, 'lines.txt');
  writeFileSync(path, 'äöü\n\n€ two\nlast-cut');
  for (const chunk of [1, 2, 3, 5, 1 << 20]) {
    assert.deepEqual([...fileLines(path, chunk)], [
      { text: 'äöü', number: 1, terminated: true }, { text: '', number: 2, terminated: true },
      { text: '€ two', number: 3, terminated: true }, { text: 'last-cut', number: 4, terminated: false },
    ], `chunk ${chunk}`);
  }
}));

test('a corrupt line names its line number; a torn last line is dropped and reported after the pass', () => withDir((dir) => {
  const log = new EventLogWriter(dir);
  log.append({ seq: 0, type: 'studyStarted', time: 0, studyId: 'read', spec: {}, table: benchmark.info, optimumError: 0.05 });
  for (let seq = 1; seq < 5; seq++) log.append({ seq, type: 'searcherInfo', time: seq, message: `ünïcode ${seq}` });
  log.close();
  const whole = readFileSync(log.eventsPath, 'utf8');
  fs.appendFileSync(log.eventsPath, '{"seq":5,"type":"searcherIn');
  const reading = openEventLog(dir, 7);
  assert.equal(reading.truncatedTail, false, 'known only after the pass');
  assert.equal([...reading.events()].length, 5);
  assert.equal(reading.truncatedTail, true);
  writeFileSync(log.eventsPath, whole.replace('ünïcode 2', 'ünïcode 2"\u0000\u0000'));
  assert.throws(() => [...openEventLog(dir, 7).events()], (error: unknown) =>
    error instanceof EventLogError && /events\.jsonl:3: not a JSON event/.test(error.message));
}));
