import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLockedElsewhere, LOCK_FILE, removeStudyLock, writeStudyLock } from '../../src/extension/studyLock';

const folder = () => mkdtempSync(join(tmpdir(), 'nas-lock-'));
const lockOf = (dir: string, pid: number, host = hostname()) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, started: new Date().toISOString() }));

test('a lock of this process is not "elsewhere"; removing it is idempotent', () => {
  const dir = folder();
  assert.equal(isLockedElsewhere(dir), false, 'no lock');
  writeStudyLock(dir);
  assert.equal(isLockedElsewhere(dir), false);
  removeStudyLock(dir);
  removeStudyLock(dir);
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
});

test('a live other process holds the study; a dead one does not', () => {
  const dir = folder();
  lockOf(dir, process.ppid);
  assert.equal(isLockedElsewhere(dir), true);
  lockOf(dir, spawnSync(process.execPath, ['-e', '0']).pid as number);
  assert.equal(isLockedElsewhere(dir), false, 'stale lock of an exited process');
});

test('a lock from another machine is taken at its word; a torn lock is ignored', () => {
  const dir = folder();
  lockOf(dir, 1, 'some-other-host.example');
  assert.equal(isLockedElsewhere(dir), true);
  writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
  assert.equal(isLockedElsewhere(dir), false);
});
