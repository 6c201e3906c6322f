/**
 * The persisted form of a study: a folder with `study.json` (spec, table, creation time) and
 * `events.jsonl` (one event per line, append-only). Writes are buffered so that logging does not
 * slow a 40 ms study; the reader survives a crash mid-write (a truncated last line), checks the
 * format version and validates every event, naming the file and line of the first that is wrong.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { TableInfo } from '../benchmark/benchmark';
import { KNOWN_EVENT_TYPES, studyEventSchema } from '../events/studyEventSchema';
import type { EventSink, StudyEvent, StudyStartedEvent } from '../events/studyEvents';

export const STUDY_FILE = 'study.json';
export const EVENTS_FILE = 'events.jsonl';
const FORMAT_VERSION = 1;
const FLUSH_CHARS = 1 << 18;
const FLUSH_MS = 500;
/** Appends between two looks at the clock (Date.now is cheap, but not free at 10k events). */
const CLOCK_CHECK_EVERY = 256;

const studyRecordSchema = z.object({
  formatVersion: z.int().min(1),
  studyId: z.string(),
  /** ISO time the study was created (wall clock; events carry simulated time only). */
  created: z.string(),
  spec: z.unknown(),
  table: z.object({ label: z.string(), kind: z.string(), provenanceNote: z.string(), path: z.string().optional() }).readonly(),
  optimumError: z.number(),
}).readonly();

/** Contents of study.json. */
export type StudyRecord = z.output<typeof studyRecordSchema>;

export class EventLogError extends Error {
  override name = 'EventLogError';
}

export interface EventLogWriterOptions {
  /** Full table info (with its file path) to record in study.json; the event only carries the label. */
  readonly table?: TableInfo;
  /** Replace an existing study in the folder instead of refusing. */
  readonly overwrite?: boolean;
  readonly now?: () => Date;
}

/**
 * Writes one study folder. Use `sink` as an event sink of the study; study.json is written when the
 * studyStarted event arrives; call `close()` when the study ends (also after a failure).
 */
export class EventLogWriter {
  readonly eventsPath: string;
  readonly studyPath: string;
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private sinceClockCheck = 0;
  private lastFlush = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(readonly dir: string, private readonly options: EventLogWriterOptions = {}) {
    this.eventsPath = join(dir, EVENTS_FILE);
    this.studyPath = join(dir, STUDY_FILE);
    mkdirSync(dir, { recursive: true });
    if (!options.overwrite && (existsSync(this.eventsPath) || existsSync(this.studyPath))) {
      throw new EventLogError(`${dir} already holds a study (${EVENTS_FILE}/${STUDY_FILE}); choose another folder or overwrite it`);
    }
    this.fd = openSync(this.eventsPath, 'w');
  }

  readonly sink: EventSink = (event) => this.append(event);

  append(event: StudyEvent): void {
    if (this.closed) throw new EventLogError(`event log ${this.eventsPath} is closed`);
    if (event.type === 'studyStarted') this.writeStudyRecord(event);
    const line = JSON.stringify(event);
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars >= FLUSH_CHARS) this.flush();
    else if (++this.sinceClockCheck >= CLOCK_CHECK_EVERY) {
      this.sinceClockCheck = 0;
      if (Date.now() - this.lastFlush >= FLUSH_MS) this.flush();
    }
    // Slow studies (LLM calls between events) still reach the disk within FLUSH_MS.
    if (this.buffer.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => { this.timer = undefined; if (!this.closed) this.flush(); }, FLUSH_MS);
      this.timer.unref?.();
    }
  }

  /** Writes buffered events; each write ends on a line boundary. */
  flush(): void {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.buffer.length > 0) {
      writeSync(this.fd, this.buffer.join('\n') + '\n');
      this.buffer = [];
      this.bufferedChars = 0;
    }
    this.lastFlush = Date.now();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
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
    writeFileSync(this.studyPath, JSON.stringify(record, null, 2) + '\n');
  }
}

export interface EventLogContents {
  readonly record: StudyRecord;
  readonly events: StudyEvent[];
  /** True when the last line was cut off (a crash mid-write) and was dropped. */
  readonly truncatedTail: boolean;
}

/** Reads a study folder; a malformed line other than a cut-off last line is an error. */
export function readEventLog(dir: string): EventLogContents {
  const studyPath = join(dir, STUDY_FILE);
  const eventsPath = join(dir, EVENTS_FILE);
  if (!existsSync(studyPath)) throw new EventLogError(`not a study folder: ${studyPath} is missing`);
  const record = parseStudyRecord(readFileSync(studyPath, 'utf8'), studyPath);
  if (!existsSync(eventsPath)) return { record, events: [], truncatedTail: false };
  const { events, truncatedTail } = parseEventLines(readFileSync(eventsPath, 'utf8'), eventsPath);
  return { record, events, truncatedTail };
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
  const parsed = studyRecordSchema.safeParse(raw);
  if (!parsed.success) throw new EventLogError(`${source}: not a study record (${describeIssues(parsed.error)})`);
  return parsed.data;
}

/** Parses JSONL text of events; exported for readers that hold the text already. */
export function parseEventLines(text: string, source = EVENTS_FILE): { events: StudyEvent[]; truncatedTail: boolean } {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete || lines[lines.length - 1] === '') lines.pop();
  const events: StudyEvent[] = [];
  let truncatedTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      if (i === lines.length - 1 && !complete) { truncatedTail = true; break; }
      throw new EventLogError(`${source}:${i + 1}: not a JSON event (${(error as Error).message})`);
    }
    events.push(checkedEvent(raw, `${source}:${i + 1}`));
  }
  return { events, truncatedTail };
}

/** The line's event as written (fields a newer writer added are kept), once it fits the schema. */
function checkedEvent(raw: unknown, where: string): StudyEvent {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && !KNOWN_EVENT_TYPES.has(type)) {
    throw new EventLogError(`${where}: unknown event type ${JSON.stringify(type)} (written by a newer LLAMBO NAS?)`);
  }
  const parsed = studyEventSchema.safeParse(raw);
  if (!parsed.success) throw new EventLogError(`${where}: not a study event (${describeIssues(parsed.error)})`);
  return raw as StudyEvent;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}
