/**
 * `.nas-studies/<id>/running.lock`: written when a study's worker starts, removed when it ends. It
 * names the extension host process that runs the study, so another window (or this one after a
 * reload) can tell a study that is still running elsewhere from one whose host died mid-run
 * (interrupted): a lock whose process is gone is stale. No 'vscode' here.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'running.lock';

interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

export function writeStudyLock(dir: string, now = new Date()): void {
  const record: LockRecord = { pid: process.pid, host: hostname(), started: now.toISOString() };
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify(record) + '\n');
}

export function removeStudyLock(dir: string): void {
  rmSync(join(dir, LOCK_FILE), { force: true });
}

/**
 * True when the folder's lock names a live process other than this one on this machine: the study
 * is running in another window. A lock of this process is not "other" (the caller knows its own
 * workers); a lock from another machine (a shared folder) is taken at its word.
 */
export function isLockedElsewhere(dir: string): boolean {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return false;
  let record: Partial<LockRecord>;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
  } catch {
    return false; // a torn lock cannot name a live process
  }
  if (typeof record.pid !== 'number') return false;
  if (record.host !== undefined && record.host !== hostname()) return true;
  return record.pid !== process.pid && processIsAlive(record.pid);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
