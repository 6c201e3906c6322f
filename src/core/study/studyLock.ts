/**
 * `<study folder>/running.lock`: held while a process writes the folder's study, by the CLI's `study
 * --out` and by the extension (for its worker) alike, so two writers never share one events.jsonl. It
 * names the holder (pid, host, start time): a second writer is refused with that name, and another
 * window can tell a study still running elsewhere from one whose process died mid-run (a lock whose
 * process is gone is stale and is taken over). On Linux the lock also records when its process began
 * (/proc/<pid>/stat), so a new process that was given a dead holder's pid does not keep the lock alive.
 */
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { preparingOutputFolder } from './outputFolderError';

export const LOCK_FILE = 'running.lock';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  /**
   * When the holder's process began, in clock ticks after boot (field 22 of /proc/<pid>/stat) and with
   * the boot's id, where the system tells them: a process of the same pid that began at another time is
   * not the holder. Absent on other systems and in locks of older versions (then the pid alone is checked).
   */
  readonly processStart?: string;
}

export class StudyLockedError extends Error {
  override name = 'StudyLockedError';
  constructor(readonly dir: string, readonly holder: LockHolder) {
    super(`${dir} is in use by another study: process ${holder.pid} on ${holder.host}, started ${holder.started} ` +
      `(${LOCK_FILE}). Wait for it to end or stop it, or choose another folder; --force does not override a running study.`);
  }
}

/** A lock this process holds; release() is idempotent. */
export interface StudyLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the folder's lock (creating the folder), or throws StudyLockedError naming the live holder.
 * The lock is created whole and exclusively: written to a private file, then hard-linked to
 * running.lock, which fails if the name exists (O_EXCL semantics), so no reader ever sees it half-written.
 */
export function acquireStudyLock(dir: string, now = new Date()): StudyLock {
  const path = join(dir, LOCK_FILE);
  const processStart = processStartOf(process.pid);
  const holder: LockHolder = { pid: process.pid, host: hostname(), started: now.toISOString(), ...(processStart !== undefined ? { processStart } : {}) };
  const draft = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  // The lock is the first thing written into a study folder: a folder that cannot be written fails here.
  preparingOutputFolder(dir, () => {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(draft, 'w');
    try {
      writeSync(fd, JSON.stringify(holder) + '\n');
    } finally {
      closeSync(fd);
    }
  });
  try {
    for (let attempt = 0; ; attempt++) {
      if (tryLink(draft, path)) break;
      const current = readHolder(path);
      if (current && holderIsLive(current)) throw new StudyLockedError(dir, current);
      if (attempt > 0 || !removeStale(dir, path, current)) throw new StudyLockedError(dir, current ?? unknownHolder());
    }
  } finally {
    rmSync(draft, { force: true });
  }
  let released = false;
  return {
    path,
    release: () => {
      if (released) return;
      released = true;
      const current = readHolder(path);
      if (current && current.pid === holder.pid && current.started === holder.started) rmSync(path, { force: true });
    },
  };
}

/**
 * True when the folder's lock names a live process other than this one on this machine: the study
 * is running in another window or a CLI. A lock of this process is not "other" (the caller knows its
 * own workers); a lock from another machine (a shared folder) is taken at its word.
 */
export function isLockedElsewhere(dir: string): boolean {
  const holder = readHolder(join(dir, LOCK_FILE));
  return holder !== undefined && holder.pid !== process.pid && holderIsLive(holder);
}

/** The holder a lock file names, or undefined when there is none or it cannot be read. */
export function readHolder(path: string): LockHolder | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof record.pid !== 'number') return undefined;
    return {
      pid: record.pid, host: typeof record.host === 'string' ? record.host : hostname(), started: String(record.started ?? 'at an unknown time'),
      ...(typeof record.processStart === 'string' ? { processStart: record.processStart } : {}),
    };
  } catch {
    return undefined;
  }
}

function tryLink(draft: string, path: string): boolean {
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Moves a stale lock aside and deletes it. Two processes may judge the same lock stale at once: the
 * one that moved aside a lock other than the stale one it read (the other's fresh lock) puts it back.
 * False when the lock turned out to be live after all.
 */
function removeStale(dir: string, path: string, stale: LockHolder | undefined): boolean {
  const aside = join(dir, `${LOCK_FILE}.stale-${process.pid}`);
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // someone else removed it: try again
    throw error;
  }
  const moved = readHolder(aside);
  const same = moved === undefined ? stale === undefined : stale !== undefined && moved.pid === stale.pid && moved.started === stale.started;
  if (!same && moved && holderIsLive(moved)) {
    tryLink(aside, path);
    rmSync(aside, { force: true });
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

/**
 * Live: a process of that pid exists here (this one included) and, when the lock says when its holder
 * began and the system tells when that pid's process began, began then; or the lock is another machine's.
 */
function holderIsLive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid !== process.pid && !processIsAlive(holder.pid)) return false;
  if (holder.processStart === undefined) return true;
  const now = processStartOf(holder.pid);
  return now === undefined || now === holder.processStart;
}

/**
 * `<boot id>:<start ticks>` of process `pid` from /proc (Linux), or undefined where there is no /proc
 * or the process is gone. The boot id keeps a pid and tick count of an earlier boot from matching.
 */
export function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces or ')': fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22 overall: starttime
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    return `${bootId()}:${ticks}`;
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined;

function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    } catch {
      cachedBootId = '';
    }
  }
  return cachedBootId;
}

function unknownHolder(): LockHolder {
  return { pid: -1, host: 'an unknown host', started: 'at an unknown time' };
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
