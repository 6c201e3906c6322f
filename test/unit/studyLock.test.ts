import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acquireStudyLock, isLockedElsewhere, LOCK_FILE, processStartOf, StudyLockedError } from '../../src/core/study/studyLock';

const folder = () => mkdtempSync(join(tmpdir(), 'nas-lock-'));
const lockOf = (dir: string, pid: number, host = hostname()) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, started: new Date().toISOString() }));
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const skip = existsSync(CLI) ? false : `${CLI} is missing (npm test builds it first)`;
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OPENAI_API_KEY|LLAMBO_BASE_URL|LLAMBO_MODEL)$/.test(name)));

test('a lock of this process is not "elsewhere", but a second acquire in this process is refused; release is idempotent', () => {
  const dir = folder();
  assert.equal(isLockedElsewhere(dir), false, 'no lock');
  const lock = acquireStudyLock(dir, new Date('2026-01-02T03:04:05Z'));
  const processStart = processStartOf(process.pid);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')), {
    pid: process.pid, host: hostname(), started: '2026-01-02T03:04:05.000Z', ...(processStart !== undefined ? { processStart } : {}),
  });
  assert.equal(isLockedElsewhere(dir), false);
  assert.throws(() => acquireStudyLock(dir), (error: unknown) => error instanceof StudyLockedError && error.holder.pid === process.pid);
  lock.release();
  lock.release();
  assert.deepEqual(readdirSync(dir), [], 'no lock and no draft left behind');
});

test('a live other process holds the study; a dead one leaves a stale lock that is taken over', () => {
  const dir = folder();
  lockOf(dir, process.ppid);
  assert.equal(isLockedElsewhere(dir), true);
  assert.throws(() => acquireStudyLock(dir), new RegExp(`in use by another study: process ${process.ppid} on ${hostname()}`));
  lockOf(dir, spawnSync(process.execPath, ['-e', '0']).pid as number);
  assert.equal(isLockedElsewhere(dir), false, 'stale lock of an exited process');
  const lock = acquireStudyLock(dir);
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
  lock.release();
});

const noProc = processStartOf(process.ppid) === undefined ? 'no /proc on this system' : false;

test('a lock whose pid now belongs to a process that began at another time is stale (pid reuse); the real holder keeps it', { skip: noProc }, () => {
  const dir = folder();
  const started = processStartOf(process.ppid)!;
  assert.match(started, /^[0-9a-f-]*:\d+$/);
  const lockWith = (processStart: string) =>
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), started: new Date().toISOString(), processStart }));
  lockWith(started);
  assert.equal(isLockedElsewhere(dir), true, 'the parent is the holder it names');
  assert.throws(() => acquireStudyLock(dir), StudyLockedError);
  // The same pid, but the lock's holder began one tick earlier: a dead process whose pid was given to the parent.
  const [boot, ticks] = [started.slice(0, started.lastIndexOf(':')), Number(started.slice(started.lastIndexOf(':') + 1))];
  lockWith(`${boot}:${ticks - 1}`);
  assert.equal(isLockedElsewhere(dir), false, 'a reused pid does not keep a dead holder\'s lock alive');
  lockWith(`another-boot:${ticks}`);
  assert.equal(isLockedElsewhere(dir), false, 'a holder of an earlier boot is gone');
  const lock = acquireStudyLock(dir);
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid, 'the stale lock was taken over');
  lock.release();
});

test('a lock from another machine is taken at its word; a torn lock is ignored and taken over', () => {
  const dir = folder();
  lockOf(dir, 1, 'some-other-host.example');
  assert.equal(isLockedElsewhere(dir), true);
  assert.throws(() => acquireStudyLock(dir), /process 1 on some-other-host\.example/);
  writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
  assert.equal(isLockedElsewhere(dir), false);
  acquireStudyLock(dir).release();
});

/** Starts the lock-holding child and resolves once it holds the lock. */
function holdLock(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'studyLockHolder.ts'), dir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().startsWith('locked')) resolvePromise(child); });
    child.on('exit', (code) => reject(new Error(`lock holder exited with ${code} before locking`)));
  });
}

test('CLI: a second process on a study folder is refused, even with --force, naming the holder; a killed holder\'s lock is taken over', { skip }, async () => {
  const dir = join(folder(), 'study');
  const holder = await holdLock(dir);
  try {
    const second = spawnSync(process.execPath, [CLI, 'study', '--searcher', 'random', '--hours', '1', '--out', dir, '--force'], { encoding: 'utf8', env });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`^error: ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is in use by another study: process ${holder.pid} on ${hostname()}, started `));
    assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(readdirSync(dir), [LOCK_FILE], 'the refused process wrote nothing');
  } finally {
    holder.kill('SIGKILL');
    await new Promise((done) => holder.once('exit', done));
  }
  assert.ok(existsSync(join(dir, LOCK_FILE)), 'the killed holder left its lock');
  const third = spawnSync(process.execPath, [CLI, 'study', '--searcher', 'random', '--hours', '1', '--out', dir], { encoding: 'utf8', env });
  assert.equal(third.status, 0, third.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['events.jsonl', 'study.json'], 'stale lock taken over, and released at the end');
});
