/**
 * The persisted form of a study: a folder with `study.json` (spec, table, creation time) and
 * `events.jsonl` (one event per line, append-only). Writes are buffered so that logging does not
 * slow a 40 ms study. A write that fails (a full disk) stops the study with one message and leaves
 * the log a prefix of whole lines. The reader streams the log line by line, survives a crash
 * mid-write (a cut-off last line, dropped with a notice), checks the format version and validates
 * every event, naming the file and line of the first that is wrong.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { TableInfo } from '../benchmark/benchmark';
import { knownEventTypes, studyEventSchema } from '../events/studyEventSchema';
import type { EventSink, StudyEvent, StudyEventDraft, StudyStartedEvent } from '../events/studyEvents';
import { fileLines, LINE_CHUNK_BYTES, type FileLine } from './jsonlLines';
import { preparingOutputFolder } from './outputFolderError';

export const STUDY_FILE = 'study.json';
export const EVENTS_FILE = 'events.jsonl';
const FORMAT_VERSION = 1;
/** Bytes buffered before a write; the buffer has room for one more line of up to (BUFFER_BYTES - FLUSH_BYTES) / 3 characters. */
const FLUSH_BYTES = 1 << 18;
const BUFFER_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const FLUSH_MS = 500;
/** Events kept before they are encoded (and the clock is looked at). */
const ENCODE_RUN = 256;
/** The seq of a kept whole event (a draft's seq is >= 0). */
const NO_SEQ = -1;

/**
 * The schema of study.json, built when a study is first read back: a process that only writes studies
 * (the CLI's `study`) never builds it, and the first zod schema a process builds costs it milliseconds.
 */
function buildStudyRecordSchema() {
  return z.object({
    formatVersion: z.int().min(1),
    studyId: z.string(),
    /** ISO time the study was created (wall clock; events carry simulated time only). */
    created: z.string(),
    spec: z.unknown(),
    table: z.object({ label: z.string(), kind: z.string(), provenanceNote: z.string(), path: z.string().optional() }).readonly(),
    optimumError: z.number(),
  }).readonly();
}

let studyRecordSchema: ReturnType<typeof buildStudyRecordSchema> | undefined;

/** Contents of study.json. */
export type StudyRecord = z.output<ReturnType<typeof buildStudyRecordSchema>>;

export class EventLogError extends Error {
  override name = 'EventLogError';
}

/** The file operations the writer uses; tests pass ones that fail like a full disk. */
export interface EventLogFiles {
  openSync(path: string, flags: 'w'): number;
  /** Returns the bytes written, which may be fewer than asked (a short write). */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
  writeFileSync(path: string, text: string): void;
  renameSync(from: string, to: string): void;
}

const NODE_FILES: EventLogFiles = fs;

export interface EventLogWriterOptions {
  /** Full table info (with its file path) to record in study.json; the event only carries the label. */
  readonly table?: TableInfo;
  /** Replace an existing study in the folder instead of refusing. */
  readonly overwrite?: boolean;
  readonly now?: () => Date;
  readonly files?: EventLogFiles;
}

/**
 * Writes one study folder. Use `sink` as an event sink of the study; study.json is written when the
 * studyStarted event arrives; call `close()` when the study ends (also after a failure).
 *
 * Appended events are kept (at most ENCODE_RUN of them, never changed: events are read-only) and
 * encoded in runs into one byte buffer. Each line is JSON.stringify's; a numbered draft's is
 * `{"seq":N,` and the rest of JSON.stringify(draft), byte for byte JSON.stringify({ seq, ...draft })
 * without building that object. (Hand-written encoders of the per-result events were twice as fast
 * once V8 had optimised them, but a log is written by a fresh process or worker, where they ran
 * unoptimised: a cold 5 h study took 122 ms with them against 84 ms with JSON.stringify, 58 ms
 * without a log, medians of 24 fresh processes.) Bytes are written in whole lines once FLUSH_BYTES
 * are buffered, FLUSH_MS after the last write (a timer for slow studies), and on flush() and close().
 *
 * A failed write (ENOSPC, EIO ...) cuts the file back to the last whole line written and throws an
 * EventLogError from the next append, flush or close, whichever comes first (a failure on the
 * flush timer cannot throw to anyone); that error stops the study. Later appends are dropped: the
 * log ends at the failure, a valid prefix that export and resume read. An event that cannot be JSON
 * (a bigint, a cycle) ends the log the same way, after the events before it.
 */
export class EventLogWriter {
  readonly eventsPath: string;
  readonly studyPath: string;
  private readonly files: EventLogFiles;
  private readonly fd: number;
  /** Encoded lines not yet written: bytes [0, bufferedBytes) of one reused buffer (no join, no copy per flush). */
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  /** Appended events not yet encoded, in order: each a seq and its draft, or NO_SEQ and the whole event. */
  private readonly pendingSeqs: number[] = [];
  private readonly pendingBodies: (StudyEvent | StudyEventDraft)[] = [];
  private bufferedBytes = 0;
  private bufferedEvents = 0;
  private lastFlush = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Bytes and events on disk in whole lines. */
  private writtenBytes = 0;
  private writtenEvents = 0;
  private failure: EventLogError | undefined;
  private failureReported = false;

  constructor(readonly dir: string, private readonly options: EventLogWriterOptions = {}) {
    this.eventsPath = join(dir, EVENTS_FILE);
    this.studyPath = join(dir, STUDY_FILE);
    this.files = options.files ?? NODE_FILES;
    // mkdirSync names the first folder it created: a folder made just now holds no study.
    const created = preparingOutputFolder(dir, () => fs.mkdirSync(dir, { recursive: true }));
    if (!options.overwrite && created === undefined && (fs.existsSync(this.eventsPath) || fs.existsSync(this.studyPath))) {
      throw new EventLogError(`${dir} already holds a study (${EVENTS_FILE}/${STUDY_FILE}); choose another folder or overwrite it`);
    }
    this.fd = preparingOutputFolder(dir, () => this.files.openSync(this.eventsPath, 'w'));
  }

  /** Takes numbered drafts too: a study whose only sink is the log builds no event objects. */
  readonly sink: EventSink = Object.assign((event: StudyEvent) => this.append(event), {
    numbered: (seq: number, draft: StudyEventDraft) => this.appendNumbered(seq, draft),
  });

  append(event: StudyEvent): void {
    if (!this.accepting()) return;
    if (event.type === 'studyStarted') this.writeStudyRecord(event);
    this.keep(NO_SEQ, event);
  }

  /** Appends the event `{ seq, ...draft }`. */
  appendNumbered(seq: number, draft: StudyEventDraft): void {
    if (!this.accepting()) return;
    if (draft.type === 'studyStarted') this.writeStudyRecord({ seq, ...draft });
    this.keep(seq, draft);
  }

  /** Writes buffered events; each write ends on a line boundary. Throws the write failure, if any. */
  flush(): void {
    this.encodePending();
    this.writeBuffer();
    this.reportFailure();
  }

  /** Events on disk so far (whole lines). */
  get eventsWritten(): number {
    return this.writtenEvents;
  }

  close(): void {
    if (this.closed) return;
    this.encodePending();
    this.writeBuffer();
    this.closed = true;
    this.files.closeSync(this.fd);
    this.reportFailure();
  }

  /** False (after throwing the failure once) when the log ended at a failure; throws when closed. */
  private accepting(): boolean {
    if (this.closed) throw new EventLogError(`event log ${this.eventsPath} is closed`);
    if (!this.failure) return true;
    this.reportFailure();
    return false;
  }

  private keep(seq: number, body: StudyEvent | StudyEventDraft): void {
    this.pendingSeqs.push(seq);
    if (this.pendingBodies.push(body) < ENCODE_RUN) {
      // Slow studies (LLM calls between events) still reach the disk within FLUSH_MS.
      this.timer ??= this.startTimer();
      return;
    }
    this.encodePending();
    if (this.bufferedBytes >= FLUSH_BYTES || Date.now() - this.lastFlush >= FLUSH_MS) this.writeBuffer();
    this.reportFailure();
  }

  private startTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      this.encodePending();
      this.writeBuffer();
    }, FLUSH_MS);
    timer.unref?.();
    return timer;
  }

  /** Encodes the kept events into the buffer, writing it whenever FLUSH_BYTES are buffered; never throws. */
  private encodePending(): void {
    const seqs = this.pendingSeqs;
    const bodies = this.pendingBodies;
    for (let i = 0; i < bodies.length && !this.failure; i++) {
      const seq = seqs[i];
      const line = seq === NO_SEQ ? this.jsonLine(bodies[i] as StudyEvent) : this.numberedLine(seq, bodies[i] as StudyEventDraft);
      if (line !== undefined) this.bufferLine(line);
      if (this.bufferedBytes >= FLUSH_BYTES) this.writeBuffer();
    }
    seqs.length = 0;
    bodies.length = 0;
  }

  /**
   * JSON.stringify({ seq, ...draft }): `{"seq":N,` and JSON.stringify(draft) after its `{`. A draft that
   * would not splice so (a toJSON, a seq of its own, no key written) or a seq that is not a plain
   * integer is built into the event, which is written whole.
   */
  private numberedLine(seq: number, draft: StudyEventDraft): string | undefined {
    if (Number.isSafeInteger(seq) && typeof (draft as { toJSON?: unknown }).toJSON !== 'function' && !Object.hasOwn(draft, 'seq')) {
      const text = this.jsonLine(draft, seq);
      if (text === undefined) return undefined;
      if (text !== '{}') return `{"seq":${seq},${text.slice(1)}`;
    }
    return this.jsonLine({ seq, ...draft } as StudyEvent);
  }

  /** JSON.stringify(event); undefined (and the log ends after the events before it) when it is not JSON. `seq`: a draft's. */
  private jsonLine(event: StudyEvent | StudyEventDraft, seq = (event as StudyEvent).seq): string | undefined {
    try {
      return JSON.stringify(event);
    } catch (error) {
      this.writeBuffer();
      this.failure ??= new EventLogError(`cannot write event ${seq} (${event.type}) to ${this.eventsPath}: ` +
        `${error instanceof Error ? error.message : String(error)}. The study stopped; ` +
        `${this.eventsPath} keeps its first ${this.writtenEvents} events (whole lines), which export and resume read.`);
      return undefined;
    }
  }

  private bufferLine(line: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: a line that might not fit is preceded by a write.
    if (this.bufferedBytes + 3 * line.length + 1 > BUFFER_BYTES) this.writeBuffer();
    if (this.failure) return;
    if (3 * line.length + 1 > BUFFER_BYTES) {
      this.writeBytes(Buffer.from(line + '\n'), 1);
    } else {
      this.bufferedBytes += this.buffer.write(line, this.bufferedBytes);
      this.buffer[this.bufferedBytes++] = NEWLINE;
      this.bufferedEvents++;
    }
  }

  private writeBuffer(): void {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    this.lastFlush = Date.now();
    if (this.bufferedEvents === 0 || this.failure) return;
    const events = this.bufferedEvents;
    const bytes = this.buffer.subarray(0, this.bufferedBytes);
    this.bufferedBytes = 0;
    this.bufferedEvents = 0;
    this.writeBytes(bytes, events);
  }

  private writeBytes(bytes: Uint8Array, events: number): void {
    if (this.failure) return;
    try {
      for (let offset = 0; offset < bytes.length;) offset += this.files.writeSync(this.fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      this.fail(this.eventsPath, error);
      return;
    }
    this.writtenBytes += bytes.length;
    this.writtenEvents += events;
  }

  /** Cuts the log back to its whole lines and keeps the error for the next caller. */
  private fail(path: string, error: unknown): void {
    try {
      this.files.ftruncateSync(this.fd, this.writtenBytes);
    } catch {
      // The reader drops a cut-off last line, and nothing follows it: the log is still a valid prefix.
    }
    this.bufferedBytes = 0;
    this.bufferedEvents = 0;
    this.pendingSeqs.length = 0;
    this.pendingBodies.length = 0;
    this.failure = new EventLogError(`cannot write ${path}: ${writeErrorText(error)}. The study stopped; ` +
      `${this.eventsPath} keeps its first ${this.writtenEvents} events (whole lines), which export and resume read. ` +
      'Free space (or fix the folder) and run the study again.');
  }

  private reportFailure(): void {
    if (!this.failure || this.failureReported) return;
    this.failureReported = true;
    throw this.failure;
  }

  private writeStudyRecord(event: StudyStartedEvent): void {
    const table = this.options.table && this.options.table.label === event.table.label ? this.options.table : event.table;
    const record: StudyRecord = {
      formatVersion: FORMAT_VERSION,
      studyId: event.studyId,
      created: (this.options.now ?? (() => new Date()))().toISOString(),
      spec: event.spec,
      table,
      optimumError: event.optimumError,
    };
    // Written aside and renamed, so a full disk never leaves a half-written study.json.
    const draft = `${this.studyPath}.tmp`;
    try {
      this.files.writeFileSync(draft, JSON.stringify(record, null, 2) + '\n');
      this.files.renameSync(draft, this.studyPath);
    } catch (error) {
      this.fail(this.studyPath, error);
      this.reportFailure();
    }
  }
}

/** What went wrong with a write, in words (the errno code in brackets for searching). */
function writeErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC': return 'the disk is full (ENOSPC)';
    case 'EDQUOT': return 'the disk quota is used up (EDQUOT)';
    case 'EROFS': return 'the file system is read-only (EROFS)';
    case 'EIO': return 'an input/output error on the disk (EIO)';
    default: return error instanceof Error ? error.message : String(error);
  }
}

export interface EventLogContents {
  readonly record: StudyRecord;
  readonly events: StudyEvent[];
  /** True when the last line was cut off (a crash mid-write) and was dropped. */
  readonly truncatedTail: boolean;
}

/** Reads a whole study folder into memory (the panel keeps every event); see openEventLog to stream. */
export function readEventLog(dir: string): EventLogContents {
  const log = openEventLog(dir);
  const events = [...log.events()];
  return { record: log.record, events, truncatedTail: log.truncatedTail };
}

/**
 * A study folder opened for one pass over its events, read line by line. A malformed line is an
 * error naming it, except a cut-off last line, which is dropped (truncatedTail tells after the pass).
 */
export interface EventLogReading {
  readonly record: StudyRecord;
  readonly eventsPath: string;
  events(): Generator<StudyEvent>;
  readonly truncatedTail: boolean;
}

export function openEventLog(dir: string, chunkBytes = LINE_CHUNK_BYTES): EventLogReading {
  const studyPath = join(dir, STUDY_FILE);
  const eventsPath = join(dir, EVENTS_FILE);
  if (!fs.existsSync(studyPath)) throw new EventLogError(`not a study folder: ${studyPath} is missing`);
  const record = parseStudyRecord(fs.readFileSync(studyPath, 'utf8'), studyPath);
  const reading = {
    record, eventsPath, truncatedTail: false,
    *events(): Generator<StudyEvent> {
      if (!fs.existsSync(eventsPath)) return;
      for (const line of fileLines(eventsPath, chunkBytes)) {
        const event = parseEventLine(line, eventsPath);
        if (event === undefined) reading.truncatedTail = true;
        else if (event !== null) yield event;
      }
    },
  };
  return reading;
}

/** The notice every reader gives for a dropped cut-off last line. */
export function truncatedTailNotice(eventsPath: string): string {
  return `note: the last line of ${eventsPath} was cut off (the study did not finish writing it); it was skipped`;
}

/** Parses and checks study.json: a newer format version or a missing field is an error naming the file. */
export function parseStudyRecord(text: string, source = STUDY_FILE): StudyRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new EventLogError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > FORMAT_VERSION) {
    throw new EventLogError(`${source}: study format version ${version} is newer than this build reads (${FORMAT_VERSION}); ` +
      'update LLAMBO NAS to open this study');
  }
  const parsed = (studyRecordSchema ??= buildStudyRecordSchema()).safeParse(raw);
  if (!parsed.success) throw new EventLogError(`${source}: not a study record (${describeIssues(parsed.error)})`);
  return parsed.data;
}

/** One line's event; null for a blank line, undefined for a cut-off last line. */
function parseEventLine(line: FileLine, source: string): StudyEvent | null | undefined {
  if (line.text.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line.text);
  } catch (error) {
    if (!line.terminated) return undefined;
    // Only the last line can be cut by a crash (a failed write is cut back to whole lines): this is damage.
    throw new EventLogError(`${source}:${line.number}: not a JSON event (${(error as Error).message}); ` +
      'the log was changed after it was written (a crash cuts only the last line): run the study again');
  }
  return checkedEvent(raw, `${source}:${line.number}`);
}

/** The line's event as written (fields a newer writer added are kept), once it fits the schema. */
function checkedEvent(raw: unknown, where: string): StudyEvent {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !knownEventTypes().has(type)) {
    throw new EventLogError(`${where}: unknown event type ${JSON.stringify(type)} (written by a newer LLAMBO NAS?)`);
  }
  const parsed = studyEventSchema().safeParse(raw);
  if (!parsed.success) throw new EventLogError(`${where}: not a study event (${describeIssues(parsed.error)})`);
  return raw as StudyEvent;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}
