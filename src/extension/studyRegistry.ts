/**
 * The workspace's studies: `.nas-studies/<id>/` folders on disk plus the sessions in memory. Starts
 * new studies in their own worker (one worker per study, so concurrent studies never share a file),
 * resumes interrupted ones, and tells listeners when the set of studies or one study's state changes.
 * A running study's folder holds a lock naming this process (core/study/studyLock.ts, the same lock the CLI's `study --out` takes).
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_FILE, STUDY_FILE } from '../core/study/eventLog';
import { makeStudyId } from '../core/study/studyId';
import { acquireStudyLock, isLockedElsewhere, type StudyLock } from '../core/study/studyLock';
import { parseStudySpec, type StudySpecInput } from '../core/study/studySpec';
import type { StudyEvent, WorkerStartParams } from '../protocol';
import { StudySession } from './studySession';
import { StudyWorkerHost } from './studyWorkerHost';
import { StudyWorkerPool, type SpawnStudyWorker } from './studyWorkerPool';
import type { StartTimeline } from './startTimeline';

export const STUDIES_FOLDER = '.nas-studies';

export interface StartStudyOptions {
  readonly tablePath: string;
  /** Passed to the worker in memory only. */
  readonly apiKey?: string;
  readonly now?: Date;
  /** Marks the start's steps (the first study of a "Start NAS study"). */
  readonly startTimeline?: StartTimeline;
}

export interface ResumeStudyOptions extends StartStudyOptions {
  /** The study's original creation time (study.json keeps it). */
  readonly created: string;
}

/** Why a study cannot be resumed, in words for the user. */
export class StudyNotResumableError extends Error {
  override name = 'StudyNotResumableError';
}

export type RegistryListener = (session: StudySession | undefined, newEvents: readonly StudyEvent[]) => void;

export class StudyRegistry {
  private readonly sessions = new Map<string, StudySession>();
  private readonly listeners = new Set<RegistryListener>();

  private readonly workers: StudyWorkerPool;

  /** `spawn` starts a study worker (threadSpawner(dist/worker.js) in the extension). */
  constructor(readonly root: string, spawn: SpawnStudyWorker) {
    this.workers = new StudyWorkerPool(spawn);
  }

  /**
   * Gets a worker ready with `tablePath` loaded (and, for an LLM study on `llmModel`, its token encoding
   * and client), so the next study on it starts at once (StudyWorkerPool).
   */
  prepareWorker(tablePath: string, llmModel?: string): void {
    this.workers.prepare(tablePath, llmModel);
  }

  /** Validates the spec (throws StudySpecError), picks a fresh id and folder, and starts the worker. */
  start(specInput: StudySpecInput, options: StartStudyOptions): StudySession {
    const spec = parseStudySpec(specInput);
    const id = this.freshId(spec.studyId ?? makeStudyId(spec, options.now ?? new Date()));
    const dir = join(this.root, id);
    const session = new StudySession(id, dir, { searcher: spec.searcher, scheduler: spec.scheduler, budgetSeconds: spec.budgetSeconds });
    session.startTimeline = options.startTimeline;
    this.track(session);
    session.attachWorker(this.startWorker(session, {
      spec: { ...specInput, studyId: id }, tablePath: options.tablePath, studyDir: dir, apiKey: options.apiKey,
      ...(options.startTimeline ? { timeSteps: true } : {}),
    }));
    options.startTimeline?.mark('workerStarted');
    this.emit(undefined, []);
    return session;
  }

  /**
   * Runs an interrupted study again from the start with `specInput` (its recorded spec, cache set to
   * replay). The interrupted log is kept beside the new one as `events.interrupted-<n>.jsonl`; the
   * new run rewrites events.jsonl. Throws StudyNotResumableError when the study is not interrupted.
   */
  resume(id: string, specInput: StudySpecInput, options: ResumeStudyOptions): StudySession {
    const session = this.get(id);
    if (!session) throw new StudyNotResumableError(`Study ${id} was not found in ${this.root}.`);
    if (session.running || isLockedElsewhere(session.dir)) throw new StudyNotResumableError(`Study ${id} is still running${session.running ? '' : ' in another window or process'}.`);
    if (session.headline.status !== 'interrupted') throw new StudyNotResumableError(`Study ${id} is ${session.headline.status}; only an interrupted study can be resumed.`);
    const spec = parseStudySpec(specInput);
    // Locked before the interrupted log is moved aside: a process that took the folder meanwhile keeps it untouched.
    const lock = acquireStudyLock(session.dir);
    const interruptedLog = join(session.dir, EVENTS_FILE);
    if (existsSync(interruptedLog)) renameSync(interruptedLog, freshName(session.dir, 'events.interrupted', '.jsonl'));
    const worker = this.startWorker(session, {
      spec: { ...specInput, studyId: id }, tablePath: options.tablePath, studyDir: session.dir, apiKey: options.apiKey,
      resume: { created: options.created },
    }, lock);
    session.restart(worker, { searcher: spec.searcher, scheduler: spec.scheduler, budgetSeconds: spec.budgetSeconds });
    this.emit(session, []);
    return session;
  }

  /** The session of a study, loading it from disk when it is not in memory; undefined if unknown. */
  get(id: string): StudySession | undefined {
    const known = this.sessions.get(id);
    if (known) return known;
    const dir = join(this.root, id);
    if (!existsSync(join(dir, STUDY_FILE))) return undefined;
    const session = StudySession.fromDisk(id, dir, isLockedElsewhere(dir));
    this.track(session);
    return session;
  }

  /** Every study of the workspace, newest id first (ids end with a time stamp). */
  list(): StudySession[] {
    const ids = new Set(this.sessions.keys());
    if (existsSync(this.root)) {
      for (const entry of readdirSync(this.root, { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(this.root, entry.name, STUDY_FILE))) ids.add(entry.name);
      }
    }
    const sessions: StudySession[] = [];
    for (const id of ids) {
      try {
        const session = this.get(id);
        if (session) sessions.push(session);
      } catch {
        // A folder that cannot be read is left out of the list; opening it reports why.
      }
    }
    return sessions.sort((a, b) => stampOf(b.id).localeCompare(stampOf(a.id)) || a.id.localeCompare(b.id));
  }

  running(): StudySession[] {
    return [...this.sessions.values()].filter((s) => s.running);
  }

  /**
   * Studies shown as running in another window are reread from disk (in place, so an open panel
   * follows); those whose lock went stale (that window's host exited) become interrupted or finished.
   * True when any ended there.
   */
  recheckElsewhere(): boolean {
    let ended = false;
    for (const session of this.sessions.values()) {
      if (session.running || session.headline.status !== 'running') continue;
      try {
        session.reload(isLockedElsewhere(session.dir));
      } catch {
        continue; // a folder being rewritten right now is read on the next round
      }
      ended ||= session.headline.status !== 'running';
    }
    return ended;
  }

  /** True when a listed study runs in another window (its state can change without an event here). */
  hasStudiesElsewhere(): boolean {
    return [...this.sessions.values()].some((s) => !s.running && s.headline.status === 'running');
  }

  /** Forgets cached finished sessions so the next list() rereads the folder. */
  refresh(): void {
    for (const [id, session] of this.sessions) if (!session.running) { session.dispose(); this.sessions.delete(id); }
    this.emit(undefined, []);
  }

  onDidChange(listener: RegistryListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.workers.dispose();
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.listeners.clear();
  }

  private track(session: StudySession): void {
    this.sessions.set(session.id, session);
    session.onDidChange((s, events) => this.emit(s, events));
  }

  /** A worker for the session's folder, with the folder locked for as long as it runs. */
  private startWorker(session: StudySession, params: WorkerStartParams, lock: StudyLock = acquireStudyLock(session.dir)): StudyWorkerHost {
    // Taken here rather than by the worker, so the lock exists before the first event does.
    let pastStart!: () => void;
    // The next spare loads its table once this study has its first result (or ended), not while it starts.
    const started = new Promise<void>((resolve) => { pastStart = resolve; });
    const llmModel = parseStudySpec(params.spec).llm?.model;
    const worker = new StudyWorkerHost(this.workers.take(params.tablePath, { after: started, ...(llmModel !== undefined ? { llmModel } : {}) }), params, {
      onEvents: (events) => {
        session.startTimeline?.mark('firstEvents');
        if (events.some((e) => e.type === 'result')) {
          session.startTimeline?.mark('firstResult');
          pastStart();
        }
        session.addEvents(events);
      },
      onProgress: (progress) => session.setLlmWait(progress.llmWait),
      onStartSteps: (marks) => session.startTimeline?.markWorker(marks),
    });
    void worker.ended.then(() => {
      lock.release();
      pastStart();
    });
    return worker;
  }

  private freshId(base: string): string {
    let id = base;
    for (let n = 2; this.sessions.has(id) || existsSync(join(this.root, id)); n++) id = `${base}-${n}`;
    return id;
  }

  private emit(session: StudySession | undefined, events: readonly StudyEvent[]): void {
    for (const listener of this.listeners) listener(session, events);
  }
}

/** `<dir>/<base>-<n><ext>` for the smallest n >= 1 not taken yet. */
function freshName(dir: string, base: string, ext: string): string {
  for (let n = 1; ; n++) {
    const path = join(dir, `${base}-${n}${ext}`);
    if (!existsSync(path)) return path;
  }
}

/** The yyyymmdd-hhmmss stamp inside a study id (ids from makeStudyId), or the id itself. */
function stampOf(id: string): string {
  return /(\d{8}-\d{6})/.exec(id)?.[1] ?? id;
}
