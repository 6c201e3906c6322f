/**
 * The workspace's studies: `.nas-studies/<id>/` folders on disk plus the sessions in memory. Starts
 * new studies in their own worker (one worker per study, so concurrent studies never share a file),
 * and tells listeners when the set of studies or one study's state changes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STUDY_FILE } from '../core/study/eventLog';
import { makeStudyId } from '../core/study/studyId';
import { parseStudySpec, type StudySpecInput } from '../core/study/studySpec';
import type { StudyEvent } from '../protocol';
import { StudySession } from './studySession';
import { StudyWorkerHost } from './studyWorkerHost';

export const STUDIES_FOLDER = '.nas-studies';

export interface StartStudyOptions {
  readonly tablePath: string;
  /** Passed to the worker in memory only. */
  readonly apiKey?: string;
  readonly now?: Date;
}

export type RegistryListener = (session: StudySession | undefined, newEvents: readonly StudyEvent[]) => void;

export class StudyRegistry {
  private readonly sessions = new Map<string, StudySession>();
  private readonly listeners = new Set<RegistryListener>();

  constructor(readonly root: string, private readonly workerFile: string) {}

  /** Validates the spec (throws StudySpecError), picks a fresh id and folder, and starts the worker. */
  start(specInput: StudySpecInput, options: StartStudyOptions): StudySession {
    const spec = parseStudySpec(specInput);
    const id = this.freshId(spec.studyId ?? makeStudyId(spec, options.now ?? new Date()));
    const dir = join(this.root, id);
    const session = new StudySession(id, dir, { searcher: spec.searcher, scheduler: spec.scheduler, budgetSeconds: spec.budgetSeconds });
    this.track(session);
    const worker = new StudyWorkerHost(this.workerFile, { spec: { ...specInput, studyId: id }, tablePath: options.tablePath, studyDir: dir, apiKey: options.apiKey }, {
      onEvents: (events) => session.addEvents(events),
    });
    session.attachWorker(worker);
    this.emit(undefined, []);
    return session;
  }

  /** The session of a study, loading it from disk when it is not in memory; undefined if unknown. */
  get(id: string): StudySession | undefined {
    const known = this.sessions.get(id);
    if (known) return known;
    const dir = join(this.root, id);
    if (!existsSync(join(dir, STUDY_FILE))) return undefined;
    const session = StudySession.fromDisk(id, dir);
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
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.listeners.clear();
  }

  private track(session: StudySession): void {
    this.sessions.set(session.id, session);
    session.onDidChange((s, events) => this.emit(s, events));
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

/** The yyyymmdd-hhmmss stamp inside a study id (ids from makeStudyId), or the id itself. */
function stampOf(id: string): string {
  return /(\d{8}-\d{6})/.exec(id)?.[1] ?? id;
}
